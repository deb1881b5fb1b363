import { StreamKeys } from '@site11/messaging';
import Redis from 'ioredis';
import { eventsFor } from '../support/events';
import { call, Stack } from '../support/stack';

/** Idempotency keys are kept by the streams transport; Nest's pub/sub transport has none. */
const describeStreams = process.env['TRANSPORT'] === 'redis' ? describe.skip : describe;

let seq = 0;
const unique = (tag: string) => `${tag}-${Date.now().toString(36)}-${(seq++).toString(36)}`;
const email = (tag: string) => `${unique(tag)}@example.com`;
const key = (tag: string) => `key-${unique(tag)}`;

describeStreams('Idempotency-Key', () => {
  let stack: Stack;
  let redis: Redis;
  let admin: string;

  beforeAll(async () => {
    stack = await Stack.start({ ownRedis: true });
    redis = new Redis(stack.redisUrl);
    admin = await stack.adminToken();
  });

  afterAll(async () => {
    redis?.disconnect();
    await stack?.stop();
  });

  it('never hands one caller’s login tokens to another caller who reuses the key', async () => {
    const address = email('login');
    const password = 'a fine password';
    await call(`${stack.api}/auth/register`, { method: 'POST', json: { email: address, password, name: 'Login' } });
    const headers = { 'idempotency-key': key('login') };

    const first = await call(`${stack.api}/auth/login`, { method: 'POST', json: { email: address, password }, headers });
    const wrongPassword = await call(`${stack.api}/auth/login`, {
      method: 'POST',
      json: { email: address, password: 'not the password' },
      headers,
    });
    const otherEmail = await call(`${stack.api}/auth/login`, {
      method: 'POST',
      json: { email: email('nobody'), password },
      headers,
    });

    expect(first.status).toBe(200);
    expect(wrongPassword.status).toBe(401);
    expect(wrongPassword.body).toMatchObject({ code: 'AUTH.INVALID_CREDENTIALS' });
    expect(wrongPassword.body).not.toHaveProperty('accessToken');
    expect(otherEmail.status).toBe(401);
    expect(otherEmail.body).not.toHaveProperty('refreshToken');
  });

  it('stores nothing containing credentials for public routes, whatever key they send', async () => {
    const address = email('nostore');
    const password = 'a fine password';
    await call(`${stack.api}/auth/register`, { method: 'POST', json: { email: address, password, name: 'Store' } });
    const login = await call<{ refreshToken: string }>(`${stack.api}/auth/login`, {
      method: 'POST',
      json: { email: address, password },
      headers: { 'idempotency-key': key('nostore') },
    });
    expect(login.status).toBe(200);

    // every service's records: the public routes reach the oauth service, and through it the users service
    const keys = await redis.keys(StreamKeys.idempotency('*', '*'));
    const values = await Promise.all(keys.map(async (k) => JSON.stringify(await redis.hgetall(k))));
    expect(values.join('\n')).not.toContain(login.body.refreshToken);
    expect(values.join('\n')).not.toContain(password);
  });

  it('does not hand one admin’s created user to another admin who reuses the key for the same account', async () => {
    const password = 'a fine password';
    const second = email('admin-b');
    await call(`${stack.api}/auth/register`, { method: 'POST', json: { email: second, password, name: 'Admin B' } });
    const { accessToken: plain } = await stack.login(second, password);
    const me = await call<{ id: string }>(`${stack.api}/auth/me`, { token: plain });
    await call(`${stack.api}/users/${me.body.id}`, { method: 'PATCH', token: admin, json: { roles: ['user', 'admin'] } });
    const { accessToken: adminB } = await stack.login(second, password);
    const headers = { 'idempotency-key': key('two-admins') };
    const json = { email: email('shared'), name: 'Shared' };

    const byA = await call(`${stack.api}/users`, { method: 'POST', token: admin, json, headers });
    const byB = await call(`${stack.api}/users`, { method: 'POST', token: adminB, json, headers });

    expect(byA.status).toBe(201);
    expect(byB.status).toBe(409);
    expect(byB.body).toMatchObject({ code: 'USERS.EMAIL_TAKEN' });
  });

  it('answers 422 IDEMPOTENCY.KEY_REUSED when the same key comes with another body, and creates nothing', async () => {
    const headers = { 'idempotency-key': key('reuse') };
    const a = { email: email('body-a'), name: 'A' };
    const b = { email: email('body-b'), name: 'B' };

    const first = await call<{ id: string }>(`${stack.api}/users`, { method: 'POST', token: admin, json: a, headers });
    const second = await call(`${stack.api}/users`, { method: 'POST', token: admin, json: b, headers });

    expect(first.status).toBe(201);
    expect(second.status).toBe(422);
    expect(second.body).toMatchObject({ code: 'IDEMPOTENCY.KEY_REUSED' });
    expect(await stack.db.collection('users').countDocuments({ email: b.email })).toBe(0);
  });

  it('replays the first result for the same key and body, and runs the command once', async () => {
    const headers = { 'idempotency-key': key('replay') };
    const json = { email: email('replay'), name: 'Once' };

    const first = await call<{ id: string }>(`${stack.api}/users`, { method: 'POST', token: admin, json, headers });
    const again = await call<{ id: string }>(`${stack.api}/users`, { method: 'POST', token: admin, json, headers });

    expect(first.status).toBe(201);
    expect(again.status).toBe(201);
    expect(again.body.id).toBe(first.body.id);
    expect(await eventsFor(redis, 'users.created', [json.email])).toBe(1);
  });

  it('scopes keys to the caller: another user sending the same key runs their own command', async () => {
    const password = 'a fine password';
    const other = email('other');
    await call(`${stack.api}/auth/register`, { method: 'POST', json: { email: other, password, name: 'Other' } });
    const { accessToken } = await stack.login(other, password);
    const shared = key('scope');
    const me = await call<{ id: string }>(`${stack.api}/auth/me`, { token: accessToken });

    const adminPatch = await call(`${stack.api}/users/${me.body.id}`, {
      method: 'PATCH',
      token: admin,
      json: { name: 'Renamed by admin' },
      headers: { 'idempotency-key': shared },
    });
    const ownPatch = await call<{ name: string }>(`${stack.api}/users/${me.body.id}`, {
      method: 'PATCH',
      token: accessToken,
      json: { name: 'Renamed by me' },
      headers: { 'idempotency-key': shared },
    });

    expect(adminPatch.status).toBe(200);
    expect(ownPatch.status).toBe(200);
    expect(ownPatch.body.name).toBe('Renamed by me');
  });

  it('runs concurrent duplicates of a key once: the others get 409 IDEMPOTENCY.IN_PROGRESS or, once it is done, its result', async () => {
    const headers = { 'idempotency-key': key('concurrent') };
    const json = { email: email('concurrent'), name: 'Twice', password: 'a slow argon2 password' };

    const responses = await Promise.all(
      Array.from({ length: 6 }, () => call<{ id?: string; code?: string }>(`${stack.api}/users`, { method: 'POST', token: admin, json, headers })),
    );

    const created = responses.filter((r) => r.status === 201);
    expect(created.length).toBeGreaterThanOrEqual(1);
    expect(new Set(created.map((r) => r.body.id)).size).toBe(1);
    for (const response of responses.filter((r) => r.status !== 201)) {
      expect(response.status).toBe(409);
      expect(response.body).toMatchObject({ code: 'IDEMPOTENCY.IN_PROGRESS' });
    }
    expect(await stack.db.collection('users').countDocuments({ email: json.email })).toBe(1);
    expect(await eventsFor(redis, 'users.created', [json.email])).toBe(1);
  });

  it('refuses a malformed Idempotency-Key with 400 VALIDATION instead of ignoring it', async () => {
    const response = await call(`${stack.api}/users`, {
      method: 'POST',
      token: admin,
      json: { email: email('badkey'), name: 'Bad' },
      headers: { 'idempotency-key': 'short' },
    });
    expect(response.status).toBe(400);
    expect(response.body).toMatchObject({ code: 'VALIDATION' });
  });
});
