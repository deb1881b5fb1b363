import { ENVELOPE_VERSION, type PingReply, UsersEvents, pingPattern } from '@site11/contracts';
import { RedisStreamsClient, StreamKeys } from '@site11/messaging';
import Redis from 'ioredis';
import { randomUUID } from 'node:crypto';
import { lastValueFrom } from 'rxjs';
import { appendEvents } from '../support/events';
import { call, Stack } from '../support/stack';

/**
 * Replicas of two consecutive releases run side by side during a rolling upgrade (and a rollback):
 * each must read what the other sends (docs/messaging.md, "Compatibility"). The previous release
 * sent envelopes without a version; releases before a5e00e0 sent `users.roles-changed` as
 * `{ id, roles }`, without `removed`.
 */
const describeStreams = process.env['TRANSPORT'] === 'redis' ? describe.skip : describe;

let seq = 0;
const email = () => `compat-${Date.now().toString(36)}-${(seq++).toString(36)}@example.com`;
const password = 'a fine password';

describeStreams('messages across one release of difference', () => {
  let stack: Stack;
  let redis: Redis;
  let client: RedisStreamsClient;

  beforeAll(async () => {
    stack = await Stack.start({ ownRedis: true });
    redis = new Redis(stack.redisUrl);
    client = new RedisStreamsClient({ url: stack.redisUrl, caller: 'e2e', instanceId: `compat-${randomUUID()}` });
    await client.connect();
  });
  afterAll(async () => {
    await client?.close();
    redis?.disconnect();
    await stack?.stop();
  });

  const ping = (metadata: Record<string, unknown>) =>
    lastValueFrom(client.send<PingReply>(pingPattern('users'), { data: {}, metadata: { requestId: randomUUID(), caller: 'e2e', deadline: Date.now() + 5000, ...metadata } }));

  it('answers a request in the previous release’s envelope, which has no version', async () => {
    await expect(ping({})).resolves.toMatchObject({ service: 'users' });
  });

  it('answers a request from the next release, and refuses one two versions ahead with UNSUPPORTED_MESSAGE_VERSION', async () => {
    await expect(ping({ v: ENVELOPE_VERSION + 1 })).resolves.toMatchObject({ service: 'users' });
    await expect(ping({ v: ENVELOPE_VERSION + 2 })).rejects.toMatchObject({ code: 'UNSUPPORTED_MESSAGE_VERSION' });
  });

  it('ends a user’s sessions on a roles change without `removed`, the shape of releases before it existed, as they did', async () => {
    const address = email();
    const registered = await call<{ id: string }>(`${stack.api}/auth/register`, { method: 'POST', json: { email: address, password, name: 'Compat' } });
    const { accessToken } = await stack.login(address, password);
    expect((await call(`${stack.api}/auth/me`, { token: accessToken })).status).toBe(200);

    // what a users replica of a release before `removed` published, in an envelope without `v`
    await appendEvents(redis, UsersEvents.rolesChanged, 1, () => ({ data: { id: registered.body.id, roles: ['user'] } }));

    const deadline = Date.now() + 5000;
    let status = 0;
    while (status !== 401 && Date.now() < deadline) {
      status = (await call(`${stack.api}/auth/me`, { token: accessToken })).status;
      if (status !== 401) await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(status).toBe(401);
  });

  it('publishes what the previous release reads: its envelope fields and every field of its event shape', async () => {
    const address = email();
    const registered = await call<{ id: string }>(`${stack.api}/auth/register`, { method: 'POST', json: { email: address, password, name: 'Compat' } });
    const admin = await stack.adminToken();
    expect((await call(`${stack.api}/users/${registered.body.id}`, { method: 'PATCH', token: admin, json: { roles: ['user', 'admin'] } })).status).toBe(200);

    const entries = await redis.xrange(StreamKeys.events(UsersEvents.rolesChanged), '-', '+');
    const envelopes = entries.map(([, fields]) => JSON.parse(fields[fields.indexOf('data') + 1]) as { data: Record<string, unknown>; metadata: Record<string, unknown> });
    const published = envelopes.find((envelope) => envelope.data['id'] === registered.body.id);
    expect(published).toBeDefined();
    // the previous release's reader: requestId, caller and occurredAt as strings; extra fields ignored
    expect(published?.metadata).toMatchObject({ v: ENVELOPE_VERSION, requestId: expect.any(String), caller: 'users', occurredAt: expect.any(String) });
    // its shape of users.roles-changed: { id, roles }
    expect(published?.data).toMatchObject({ id: registered.body.id, roles: ['user', 'admin'] });
  });
});
