import { decodeJwt } from 'jose';
import { call, Stack } from '../support/stack';

let seq = 0;
const email = () => `session-${Date.now().toString(36)}-${(seq++).toString(36)}@example.com`;
const password = 'a fine password';

describe('sessions end everywhere', () => {
  let stack: Stack;

  beforeAll(async () => {
    stack = await Stack.start({ oauthEnv: { REFRESH_TOKEN_TTL_SECONDS: '600' } });
  });
  afterAll(async () => {
    await stack?.stop();
  });

  async function signedIn() {
    const address = email();
    const registered = await call<{ id: string }>(`${stack.api}/auth/register`, { method: 'POST', json: { email: address, password, name: 'Session' } });
    const tokens = await stack.login(address, password);
    return { id: registered.body.id, ...tokens };
  }
  const refresh = (refreshToken: string) =>
    call<{ accessToken: string; refreshToken: string }>(`${stack.api}/auth/refresh`, { method: 'POST', json: { refreshToken } });
  const me = (token: string) => call(`${stack.api}/auth/me`, { token });

  async function expectRevoked(token: string) {
    const deadline = Date.now() + 5000;
    let response = await me(token);
    while (response.status === 200 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      response = await me(token);
    }
    expect(response.status).toBe(401);
    expect(response.body).toMatchObject({ code: 'AUTH.TOKEN_REVOKED' });
  }

  it('logout revokes every access token of the session, not only the one presented', async () => {
    const first = await signedIn();
    const second = (await refresh(first.refreshToken)).body;
    expect((await me(first.accessToken)).status).toBe(200);

    expect((await call(`${stack.api}/auth/logout`, { method: 'POST', token: second.accessToken, json: {} })).status).toBe(204);

    await expectRevoked(first.accessToken);
    await expectRevoked(second.accessToken);
  });

  it('a reused refresh token revokes the access tokens of its session', async () => {
    const first = await signedIn();
    const second = (await refresh(first.refreshToken)).body;

    expect((await refresh(first.refreshToken)).status).toBe(401);

    await expectRevoked(second.accessToken);
  });

  it('deleting a user revokes their access tokens at once', async () => {
    const user = await signedIn();
    const admin = await stack.adminToken();
    expect((await call(`${stack.api}/users/${user.id}`, { method: 'DELETE', token: admin })).status).toBe(204);

    await expectRevoked(user.accessToken);
  });

  it('never issues an access token that outlives its session', async () => {
    const user = await signedIn();
    const claims = decodeJwt(user.accessToken);
    const session = await stack.oauthDb.collection('sessions').findOne({ _id: claims['sid'] as never });
    expect((claims.exp as number) * 1000).toBeLessThanOrEqual((session?.['expiresAt'] as Date).getTime());
  });
});
