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
    // revocation by event (deletion, role change) lands within moments; until then a deleted user's token may see 404
    while (response.status !== 401 && Date.now() < deadline) {
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

  it('a demotion revokes the tokens that carry the roles taken away', async () => {
    const user = await signedIn();
    const admin = await stack.adminToken();
    const setRoles = (roles: string[]) => call(`${stack.api}/users/${user.id}`, { method: 'PATCH', token: admin, json: { roles } });
    expect((await setRoles(['user', 'admin'])).status).toBe(200);
    const address = (await call<{ email: string }>(`${stack.api}/users/${user.id}`, { token: admin })).body.email;
    const asAdmin = await stack.login(address, password);
    expect((await call(`${stack.api}/users?limit=1`, { token: asAdmin.accessToken })).status).toBe(200);

    expect((await setRoles(['user'])).status).toBe(200);

    await expectRevoked(asAdmin.accessToken);
    expect((await refresh(asAdmin.refreshToken)).status).toBe(401);
    const again = await stack.login(address, password);
    expect((await call(`${stack.api}/users?limit=1`, { token: again.accessToken })).status).toBe(403);
  });

  it('never issues an access token that outlives its session', async () => {
    const user = await signedIn();
    const claims = decodeJwt(user.accessToken);
    const session = await stack.oauthDb.collection('sessions').findOne({ _id: claims['sid'] as never });
    expect((claims.exp as number) * 1000).toBeLessThanOrEqual((session?.['expiresAt'] as Date).getTime());
  });

  describe('the caller’s own sessions', () => {
    const sessions = (token: string) =>
      call<{ items: { id: string; ip: string | null; userAgent: string | null; current: boolean; createdAt: string; lastUsedAt: string }[] }>(
        `${stack.api}/auth/sessions`,
        { token, headers: { 'user-agent': 'site11-e2e/1.0' } },
      );

    it('lists each open session with when, where from and which one is asking', async () => {
      const first = await signedIn();
      const { sub } = decodeJwt(first.accessToken);
      const me2 = await call<{ email: string }>(`${stack.api}/auth/me`, { token: first.accessToken });
      const second = await stack.login(me2.body.email, password);

      const listed = await sessions(second.accessToken);

      expect(listed.status).toBe(200);
      expect(listed.body.items).toHaveLength(2);
      expect(listed.body.items.filter((s) => s.current).map((s) => s.id)).toEqual([decodeJwt(second.accessToken)['sid']]);
      for (const session of listed.body.items) {
        expect(session).toMatchObject({ ip: '127.0.0.1', createdAt: expect.any(String), lastUsedAt: expect.any(String) });
      }
      expect(sub).toBe(first.id);
    });

    it('ends one session and its access tokens, and answers 404 for another user’s session', async () => {
      const mine = await signedIn();
      const me2 = await call<{ email: string }>(`${stack.api}/auth/me`, { token: mine.accessToken });
      const other = await stack.login(me2.body.email, password);
      const stranger = await signedIn();

      const ended = await call(`${stack.api}/auth/sessions/${decodeJwt(other.accessToken)['sid']}`, { method: 'DELETE', token: mine.accessToken });
      expect(ended.status).toBe(204);
      await expectRevoked(other.accessToken);
      expect((await me(mine.accessToken)).status).toBe(200);

      const foreign = await call(`${stack.api}/auth/sessions/${decodeJwt(stranger.accessToken)['sid']}`, { method: 'DELETE', token: mine.accessToken });
      expect(foreign.status).toBe(404);
      expect(foreign.body).toMatchObject({ code: 'AUTH.SESSION_NOT_FOUND' });
      expect((await me(stranger.accessToken)).status).toBe(200);
    });

    it('changing the password needs the current one, keeps this session and ends every other', async () => {
      const here = await signedIn();
      const address = (await call<{ email: string }>(`${stack.api}/auth/me`, { token: here.accessToken })).body.email;
      const elsewhere = await stack.login(address, password);
      const change = (json: unknown) => call(`${stack.api}/auth/password`, { method: 'POST', token: here.accessToken, json });

      const wrong = await change({ currentPassword: 'not my password', newPassword: 'a brand new password' });
      expect(wrong.status).toBe(401);
      expect(wrong.body).toMatchObject({ code: 'AUTH.INVALID_CREDENTIALS' });
      expect((await change({ currentPassword: password, newPassword: 'short' })).status).toBe(400);

      expect((await change({ currentPassword: password, newPassword: 'a brand new password' })).status).toBe(204);

      await expectRevoked(elsewhere.accessToken);
      expect((await me(here.accessToken)).status).toBe(200);
      expect((await call(`${stack.api}/auth/login`, { method: 'POST', json: { email: address, password } })).status).toBe(401);
      expect((await call(`${stack.api}/auth/login`, { method: 'POST', json: { email: address, password: 'a brand new password' } })).status).toBe(200);
    });

    it('logout-all ends every session of the caller, this one included', async () => {
      const first = await signedIn();
      const me2 = await call<{ email: string }>(`${stack.api}/auth/me`, { token: first.accessToken });
      const second = await stack.login(me2.body.email, password);

      expect((await call(`${stack.api}/auth/logout-all`, { method: 'POST', token: second.accessToken })).status).toBe(204);

      await expectRevoked(first.accessToken);
      await expectRevoked(second.accessToken);
      expect((await refresh(first.refreshToken)).status).toBe(401);
    });
  });
});
