import { describe, expect, it, vi } from 'vitest';
import { gatewayError, grant, json, mockGateway, ORIGIN } from '../test/api-mock';
import { createServices } from '../app/services';
import { CONSOLE_HEADER, createApiClient, type TokenSource, unwrap } from './client';
import { ApiError, NETWORK_ERROR } from './errors';

function tokens(overrides: Partial<TokenSource> = {}): TokenSource {
  return {
    accessToken: 'token-1',
    recoverFromUnauthorized: vi.fn(async () => 'token-2'),
    rejectedAfterRefresh: vi.fn(),
    ...overrides,
  };
}

describe('the typed API client', () => {
  it('sends the bearer token from memory and the console header', async () => {
    const gateway = mockGateway({ 'GET /api/v1/auth/me': () => json(200, { id: 'u1' }) });
    const api = createApiClient({ tokens: tokens(), baseUrl: ORIGIN, fetch: gateway.fetch });
    await unwrap(api.GET('/api/v1/auth/me'));
    const [request] = gateway.requests;
    expect(request?.headers.get('authorization')).toBe('Bearer token-1');
    expect(request?.headers.get('x-site11-console')).toBe('1');
    expect(request?.credentials).toBe('same-origin');
  });

  it('sends no bearer token to the sign-in route', async () => {
    const gateway = mockGateway({ 'POST /api/v1/console/session': () => grant() });
    const api = createApiClient({ tokens: tokens(), baseUrl: ORIGIN, fetch: gateway.fetch });
    await unwrap(
      api.POST('/api/v1/console/session', { params: { header: CONSOLE_HEADER }, body: { email: 'a@b.co', password: 'x' } }),
    );
    expect(gateway.requests[0]?.headers.get('authorization')).toBeNull();
    expect(gateway.requests[0]?.headers.get('x-site11-console')).toBe('1');
  });

  it('throws a typed ApiError with the gateway’s code and field details', async () => {
    const gateway = mockGateway({
      'PATCH /api/v1/users/u1': () =>
        gatewayError(400, 'VALIDATION', 'Request validation failed', [{ field: 'name', constraints: { isLength: 'too long' } }]),
    });
    const api = createApiClient({ tokens: tokens(), baseUrl: ORIGIN, fetch: gateway.fetch });
    const failure = await unwrap(api.PATCH('/api/v1/users/{id}', { params: { path: { id: 'u1' } }, body: { name: 'x' } })).catch(
      (error: unknown) => error,
    );
    expect(failure).toBeInstanceOf(ApiError);
    expect(failure).toMatchObject({ status: 400, code: 'VALIDATION', requestId: 'req-400', details: [{ field: 'name' }] });
  });

  it('turns a request that got no answer into an ApiError with status 0', async () => {
    const api = createApiClient({
      tokens: tokens(),
      baseUrl: ORIGIN,
      fetch: async () => {
        throw new TypeError('Failed to fetch');
      },
    });
    const failure = await unwrap(api.GET('/api/v1/auth/me')).catch((error: unknown) => error);
    expect(failure).toMatchObject({ status: 0, code: NETWORK_ERROR, message: 'Failed to fetch' });
  });

  it('on a 401 gets a fresh token and retries the request once, body included', async () => {
    let attempt = 0;
    const gateway = mockGateway({
      'POST /api/v1/auth/password': async (request) => {
        attempt += 1;
        if (attempt === 1) return gatewayError(401, 'AUTH.TOKEN_EXPIRED', 'expired');
        expect(await request.json()).toEqual({ currentPassword: 'old-password', newPassword: 'new-password' });
        return json(204);
      },
    });
    const source = tokens();
    const api = createApiClient({ tokens: source, baseUrl: ORIGIN, fetch: gateway.fetch });
    const { response } = await api.POST('/api/v1/auth/password', {
      body: { currentPassword: 'old-password', newPassword: 'new-password' },
    });
    expect(response.status).toBe(204);
    expect(source.recoverFromUnauthorized).toHaveBeenCalledWith('token-1');
    expect(gateway.requests.map((r) => r.headers.get('authorization'))).toEqual(['Bearer token-1', 'Bearer token-2']);
  });

  it('gives up when the retried request is refused too', async () => {
    const gateway = mockGateway({ 'GET /api/v1/auth/me': () => gatewayError(401, 'AUTH.TOKEN_REVOKED', 'revoked') });
    const source = tokens();
    const api = createApiClient({ tokens: source, baseUrl: ORIGIN, fetch: gateway.fetch });
    await expect(unwrap(api.GET('/api/v1/auth/me'))).rejects.toMatchObject({ status: 401 });
    expect(gateway.requests).toHaveLength(2);
    expect(source.rejectedAfterRefresh).toHaveBeenCalledTimes(1);
  });

  it('does not refresh on a 401 about a wrong password', async () => {
    const gateway = mockGateway({
      'POST /api/v1/auth/password': () => gatewayError(401, 'AUTH.INVALID_CREDENTIALS', 'Invalid email or password'),
    });
    const source = tokens();
    const api = createApiClient({ tokens: source, baseUrl: ORIGIN, fetch: gateway.fetch });
    await expect(
      unwrap(api.POST('/api/v1/auth/password', { body: { currentPassword: 'wrong', newPassword: 'new-password' } })),
    ).rejects.toMatchObject({ status: 401, code: 'AUTH.INVALID_CREDENTIALS' });
    expect(source.recoverFromUnauthorized).not.toHaveBeenCalled();
    expect(gateway.requests).toHaveLength(1);
  });

  it('with the real session: a 401 refreshes through the console route and the retry succeeds', async () => {
    let meCalls = 0;
    const gateway = mockGateway({
      'POST /api/v1/console/session/refresh': () => grant(`access-${gateway.calls('POST', '/api/v1/console/session/refresh').length}`),
      'GET /api/v1/auth/me': (request) => {
        meCalls += 1;
        return request.headers.get('authorization') === 'Bearer access-2'
          ? json(200, { id: 'u1' })
          : gatewayError(401, 'AUTH.TOKEN_EXPIRED', 'expired');
      },
    });
    const { api, session } = createServices({ baseUrl: ORIGIN, fetch: gateway.fetch, locks: null, channel: null });
    await session.start();
    expect(session.accessToken).toBe('access-1');
    await expect(unwrap(api.GET('/api/v1/auth/me'))).resolves.toEqual({ id: 'u1' });
    expect(meCalls).toBe(2);
    expect(session.accessToken).toBe('access-2');
    expect(gateway.calls('POST', '/api/v1/console/session/refresh')[0]?.headers.get('x-site11-console')).toBe('1');
    session.dispose();
  });
});
