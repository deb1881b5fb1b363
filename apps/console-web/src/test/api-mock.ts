import type { User } from '../api/types';

export type Handler = (request: Request) => Response | Promise<Response>;

export const ORIGIN = 'http://localhost';

export function json(status: number, body?: unknown, headers: Record<string, string> = {}): Response {
  if (body === undefined) return new Response(null, { status, headers });
  return new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json', ...headers } });
}

/** The gateway's error body. */
export function gatewayError(status: number, code: string, message: string, details?: unknown): Response {
  return json(status, {
    statusCode: status,
    error: 'Error',
    message,
    code,
    requestId: `req-${status}`,
    ...(details === undefined ? {} : { details }),
  });
}

export function grant(accessToken = 'access-1', expiresIn = 900): Response {
  return json(200, { accessToken, tokenType: 'Bearer', expiresIn });
}

export const ADMIN: User = {
  id: '665f1c2e8b3e4a0012345678',
  email: 'ada@example.com',
  name: 'Ada Lovelace',
  roles: ['user', 'admin'],
  emailVerified: true,
  mfaEnabled: false,
  profile: { displayName: 'Ada' },
  createdAt: '2025-01-01T10:00:00.000Z',
  updatedAt: '2025-01-01T10:00:00.000Z',
};

export const MEMBER: User = { ...ADMIN, id: '665f1c2e8b3e4a0012345679', email: 'bob@example.com', name: 'Bob', roles: ['user'] };

/**
 * A fake gateway for `fetch`: handlers by `METHOD /path` (query string ignored), a 404 for
 * anything else; every request is recorded.
 */
export function mockGateway(handlers: Record<string, Handler>) {
  const requests: Request[] = [];
  const fetch = async (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    const request = input instanceof Request ? input : new Request(input, init);
    requests.push(request);
    const url = new URL(request.url);
    const handler = handlers[`${request.method} ${url.pathname}`];
    if (!handler) return gatewayError(404, 'ROUTE_NOT_FOUND', `no mock for ${request.method} ${url.pathname}`);
    return handler(request);
  };
  const calls = (method: string, path: string) =>
    requests.filter((request) => request.method === method && new URL(request.url).pathname === path);
  return { fetch: fetch as typeof globalThis.fetch, requests, calls, handlers };
}
