/**
 * The one error type of the console's API calls. The gateway answers every failure with
 * `{ statusCode, error, message, code, requestId, details? }` (see ErrorResponseDto); validation
 * failures carry `details: [{ field, constraints: { rule: message } }]`, and a 429 a
 * `Retry-After` header (also `details.retryAfterSeconds`).
 */

export interface FieldIssue {
  /** Dotted path of the field, e.g. `profile.bio`. */
  field: string;
  /** Messages keyed by the failed rule, e.g. `{ isEmail: 'email must be an email' }`. */
  constraints: Record<string, string>;
}

/** `code` of a request that never got an HTTP answer (offline, DNS, connection refused, CORS). */
export const NETWORK_ERROR = 'NETWORK_ERROR';

export class ApiError extends Error {
  override readonly name = 'ApiError';
  /** HTTP status; 0 when no answer arrived at all. */
  readonly status: number;
  /** The gateway's stable code (`AUTH.INVALID_CREDENTIALS`, `VALIDATION`, …), or `HTTP_<status>`. */
  readonly code: string;
  readonly requestId: string | null;
  readonly details?: FieldIssue[];
  readonly retryAfterSeconds?: number;

  constructor(init: {
    status: number;
    code: string;
    message: string;
    requestId?: string | null;
    details?: FieldIssue[];
    retryAfterSeconds?: number;
    cause?: unknown;
  }) {
    super(init.message, init.cause === undefined ? undefined : { cause: init.cause });
    this.status = init.status;
    this.code = init.code;
    this.requestId = init.requestId ?? null;
    if (init.details !== undefined) this.details = init.details;
    if (init.retryAfterSeconds !== undefined) this.retryAfterSeconds = init.retryAfterSeconds;
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function fieldIssues(details: unknown): FieldIssue[] | undefined {
  if (!Array.isArray(details)) return undefined;
  const issues = details.filter(
    (entry): entry is FieldIssue =>
      isRecord(entry) &&
      typeof entry['field'] === 'string' &&
      isRecord(entry['constraints']) &&
      Object.values(entry['constraints']).every((message) => typeof message === 'string'),
  );
  return issues.length > 0 ? issues : undefined;
}

/** Seconds from a `Retry-After` header: delay-seconds or an HTTP date (RFC 9110 §10.2.3). */
export function parseRetryAfter(value: string | null, now: number = Date.now()): number | undefined {
  if (value === null || value.trim() === '') return undefined;
  if (/^\d+$/.test(value.trim())) return Number(value.trim());
  const date = Date.parse(value);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, Math.ceil((date - now) / 1000));
}

/** An `ApiError` from a failed response and its (already parsed, if JSON) body. */
export function toApiError(response: Response, body: unknown): ApiError {
  const status = response.status;
  const gateway = isRecord(body) ? body : undefined;
  const code = typeof gateway?.['code'] === 'string' ? gateway['code'] : `HTTP_${status}`;
  const message =
    typeof gateway?.['message'] === 'string'
      ? gateway['message']
      : typeof body === 'string' && body.trim() !== '' && body.length < 500 && !body.trimStart().startsWith('<')
        ? body.trim()
        : response.statusText || `HTTP ${status}`;
  const requestId =
    typeof gateway?.['requestId'] === 'string' ? gateway['requestId'] : response.headers.get('x-request-id');
  const details = fieldIssues(gateway?.['details']);
  let retryAfterSeconds: number | undefined;
  if (status === 429 || status === 503) {
    retryAfterSeconds = parseRetryAfter(response.headers.get('retry-after'));
    const fromBody = isRecord(gateway?.['details']) ? gateway['details']['retryAfterSeconds'] : undefined;
    if (retryAfterSeconds === undefined && typeof fromBody === 'number') retryAfterSeconds = fromBody;
  }
  return new ApiError({
    status,
    code,
    message,
    requestId,
    ...(details ? { details } : {}),
    ...(retryAfterSeconds !== undefined ? { retryAfterSeconds } : {}),
  });
}

/** An `ApiError` for a request that got no answer. */
export function networkError(cause: unknown): ApiError {
  return new ApiError({
    status: 0,
    code: NETWORK_ERROR,
    message: cause instanceof Error ? cause.message : 'Network error',
    cause,
  });
}

/** Failures worth retrying as they are: no answer, or the gateway or a service is down or slow. */
export function isRetryable(error: unknown): boolean {
  return error instanceof ApiError && (error.status === 0 || error.status === 502 || error.status === 503 || error.status === 504 || error.status === 500);
}

export function isApiError(error: unknown, status?: number): error is ApiError {
  return error instanceof ApiError && (status === undefined || error.status === status);
}
