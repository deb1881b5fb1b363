/**
 * Transport-neutral error model shared by every service and the gateway.
 *
 * A `kind` is a closed set of canonical failure categories (modelled on gRPC status codes);
 * a `code` is a stable, namespaced string clients can branch on (`USERS.EMAIL_TAKEN`).
 * Services only ever speak in kinds and codes; the gateway alone maps kinds to HTTP statuses.
 */
export const ErrorKind = {
  InvalidArgument: 'INVALID_ARGUMENT',
  Unauthenticated: 'UNAUTHENTICATED',
  PermissionDenied: 'PERMISSION_DENIED',
  NotFound: 'NOT_FOUND',
  AlreadyExists: 'ALREADY_EXISTS',
  FailedPrecondition: 'FAILED_PRECONDITION',
  /** A condition the request itself stated (HTTP `If-Match`) no longer holds. */
  ConditionNotMet: 'CONDITION_NOT_MET',
  /** A concurrent operation got there first; retrying later may succeed. */
  Aborted: 'ABORTED',
  PayloadTooLarge: 'PAYLOAD_TOO_LARGE',
  /** The body is not of a type the operation accepts (decided from its bytes, not its label). */
  UnsupportedMediaType: 'UNSUPPORTED_MEDIA_TYPE',
  /** A byte range outside the content (HTTP `Range`). */
  RangeNotSatisfiable: 'RANGE_NOT_SATISFIABLE',
  ResourceExhausted: 'RESOURCE_EXHAUSTED',
  Unavailable: 'UNAVAILABLE',
  DeadlineExceeded: 'DEADLINE_EXCEEDED',
  Internal: 'INTERNAL',
} as const;
export type ErrorKind = (typeof ErrorKind)[keyof typeof ErrorKind];

/** Codes that are not owned by a single service. */
export const CommonErrors = {
  validation: 'VALIDATION',
  malformedJson: 'MALFORMED_JSON',
  payloadTooLarge: 'PAYLOAD_TOO_LARGE',
  unsupportedMediaType: 'UNSUPPORTED_MEDIA_TYPE',
  routeNotFound: 'ROUTE_NOT_FOUND',
  serviceUnavailable: 'SERVICE_UNAVAILABLE',
  upstreamTimeout: 'UPSTREAM_TIMEOUT',
  deadlineExceeded: 'DEADLINE_EXCEEDED',
  deadLettered: 'MESSAGE_DEAD_LETTERED',
  /** A message in an envelope version this release does not read (more than one release apart). */
  unsupportedMessageVersion: 'UNSUPPORTED_MESSAGE_VERSION',
  internal: 'INTERNAL',
} as const;

export interface ValidationIssue {
  /** Dotted path of the offending field, e.g. `profile.bio`. */
  field: string;
  /** Human-readable messages keyed by the failed constraint. */
  constraints: Record<string, string>;
}

/** The error body that crosses the wire from a service to its caller. */
export interface WireError {
  code: string;
  kind: ErrorKind;
  message: string;
  details?: unknown;
}

export class DomainError extends Error implements WireError {
  constructor(
    readonly code: string,
    readonly kind: ErrorKind,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = 'DomainError';
  }

  toWire(): WireError {
    return {
      code: this.code,
      kind: this.kind,
      message: this.message,
      ...(this.details === undefined ? {} : { details: this.details }),
    };
  }

  static isWireError(value: unknown): value is WireError {
    if (typeof value !== 'object' || value === null) return false;
    const candidate = value as Partial<WireError>;
    return (
      typeof candidate.code === 'string' &&
      typeof candidate.message === 'string' &&
      typeof candidate.kind === 'string' &&
      (Object.values(ErrorKind) as string[]).includes(candidate.kind)
    );
  }

  static fromWire(wire: WireError): DomainError {
    return new DomainError(wire.code, wire.kind, wire.message, wire.details);
  }
}

export class ValidationError extends DomainError {
  constructor(details: ValidationIssue[], message = 'Request validation failed') {
    super(CommonErrors.validation, ErrorKind.InvalidArgument, message, details);
  }
}
