/**
 * The typed client of the gateway: paths, parameters, bodies and answers all come from
 * `schema.d.ts`, generated from the gateway's OpenAPI document (`nx run console-web:api-client`).
 */
import createClient, { type Client, type Middleware } from 'openapi-fetch';
import { ApiError, networkError, toApiError } from './errors';
import type { paths } from './schema';

export type ApiClient = Client<paths>;

/** The header the console sends on every request; the session routes refuse requests without it (CSRF). */
export const CONSOLE_HEADER = { 'x-site11-console': '1' } as const;

/** What the client needs from the auth session (see auth/session.ts). */
export interface TokenSource {
  /** The access token, from memory; null when signed out. */
  readonly accessToken: string | null;
  /**
   * The API refused `token` with 401: a token to retry with (refreshed, or already refreshed by
   * another request or tab), or null when the session is over.
   */
  recoverFromUnauthorized(token: string | null): Promise<string | null>;
  /** The request retried with a fresh token was refused again: the session is of no use. */
  rejectedAfterRefresh(): void;
}

/** Routes that take no bearer token; a 401 from them is an answer, not an expired token. */
const UNAUTHENTICATED_ROUTES = new Set([
  'POST /api/v1/console/session',
  'POST /api/v1/console/session/refresh',
  'POST /api/v1/console/session/mfa',
  'POST /api/v1/auth/register',
  'POST /api/v1/auth/login',
  'POST /api/v1/auth/login/mfa',
  'POST /api/v1/auth/verify-email',
  'POST /api/v1/auth/verify-email/resend',
  'POST /api/v1/auth/password-reset',
  'POST /api/v1/auth/password-reset/confirm',
  'POST /api/v1/auth/refresh',
  'GET /health/live',
  'GET /health/ready',
  'GET /.well-known/jwks.json',
]);

/** A 401 that is about a password (e.g. a wrong current password), not about the token. */
async function isAboutCredentials(response: Response): Promise<boolean> {
  try {
    const body = (await response.clone().json()) as { code?: unknown };
    return body.code === INVALID_CREDENTIALS;
  } catch {
    return false;
  }
}

const INVALID_CREDENTIALS = 'AUTH.INVALID_CREDENTIALS';

/**
 * Adds `Authorization: Bearer <token>` to every authenticated request, and on a 401 asks the
 * session for a fresh token and retries the request once. Requests that get no answer become
 * an `ApiError` with status 0.
 */
export function authMiddleware(tokens: TokenSource): Middleware {
  const retries = new Map<string, { request: Request; token: string | null }>();
  return {
    onRequest({ request, schemaPath, id }) {
      if (UNAUTHENTICATED_ROUTES.has(`${request.method} ${schemaPath}`)) return undefined;
      const token = tokens.accessToken;
      if (token) request.headers.set('Authorization', `Bearer ${token}`);
      // kept to send again after a refresh: a Request's body can be read only once
      retries.set(id, { request: request.clone(), token });
      return request;
    },
    async onResponse({ response, id, options }) {
      const retry = retries.get(id);
      retries.delete(id);
      if (!retry || response.status !== 401 || (await isAboutCredentials(response))) return undefined;
      const fresh = await tokens.recoverFromUnauthorized(retry.token);
      if (!fresh) return undefined;
      retry.request.headers.set('Authorization', `Bearer ${fresh}`);
      const second = await options.fetch(retry.request);
      if (second.status === 401) tokens.rejectedAfterRefresh();
      return second;
    },
    onError({ error, id }) {
      retries.delete(id);
      if (error instanceof ApiError) return error;
      // react-query cancels superseded requests: those stay aborts
      if (error instanceof DOMException && error.name === 'AbortError') return error;
      return networkError(error);
    },
  };
}

export function createApiClient(options: { tokens: TokenSource; baseUrl?: string; fetch?: typeof fetch }): ApiClient {
  const client = createClient<paths>({
    baseUrl: options.baseUrl ?? '',
    credentials: 'same-origin',
    headers: CONSOLE_HEADER,
    // looked up on each call, so tests (and polyfills) may replace the global after start-up
    fetch: options.fetch ?? ((input: Request) => globalThis.fetch(input)),
  });
  client.use(authMiddleware(options.tokens));
  return client;
}

type Answer = { data?: unknown; error?: unknown; response: Response };

/** The data of a successful answer, or throws its `ApiError`. */
export async function unwrap<A extends Answer>(call: Promise<A>): Promise<Exclude<A['data'], undefined>> {
  const { data, error, response } = await call;
  if (!response.ok) throw toApiError(response, error);
  return data as Exclude<A['data'], undefined>;
}

/** For answers without a body (204): resolves, or throws the `ApiError`. */
export async function expectOk(call: Promise<Answer>): Promise<void> {
  const { error, response } = await call;
  if (!response.ok) throw toApiError(response, error);
}
