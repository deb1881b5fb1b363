import Redis from 'ioredis';
import { Types } from 'mongoose';
import { countUsersEvents, eventsFor } from '../support/events';
import { call, Stack } from '../support/stack';

/** Guarantees only the streams transport gives; the built-in pub/sub one would fail them. */
const describeStreams = process.env['TRANSPORT'] === 'redis' ? describe.skip : describe;

/** The defaults: this suite runs with no streams setting changed. */
const RECLAIM_IDLE_MS = 2000;
const MAX_DELIVERIES = 5;
const DEADLINE_MS = 5000;
let seq = 0;
const email = (tag: string) => `${tag}-${Date.now().toString(36)}-${(seq++).toString(36)}@example.com`;

async function createMany(stack: Stack, token: string, tag: string, count: number, password?: string) {
  const emails = Array.from({ length: count }, () => email(tag));
  const responses = await Promise.all(
    emails.map((address) =>
      call(`${stack.api}/users`, { method: 'POST', token, json: { email: address, name: tag, ...(password ? { password } : {}) } }),
    ),
  );
  return { emails, statuses: responses.map((r) => r.status) };
}

/** Nothing left pending; a health ping may be in flight at any moment, so give it a moment. */
async function expectNothingPending(redis: Redis): Promise<void> {
  const deadline = Date.now() + 3000;
  let pending = await redis.xpending('rpc:{users}', 'users');
  while ((pending as [number])[0] !== 0 && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    pending = await redis.xpending('rpc:{users}', 'users');
  }
  expect(pending).toEqual([0, null, null, null]);
}

describeStreams('the streams transport', () => {
  let stack: Stack;
  let redis: Redis;
  let admin: string;

  beforeAll(async () => {
    stack = await Stack.start({ ownRedis: true, usersReplicas: 3 });
    redis = new Redis(stack.redisUrl);
    admin = await stack.adminToken();
  });

  afterAll(async () => {
    redis?.disconnect();
    await stack?.stop();
  });

  it('handles each request on exactly one of three replicas, spreading the work', async () => {
    await redis.del('rpc:handled:{users}');
    const { emails, statuses } = await createMany(stack, admin, 'three', 30);

    expect(statuses).toEqual(Array(30).fill(201));
    expect(await stack.db.collection('users').countDocuments({ email: { $in: emails } })).toBe(30);
    expect(await eventsFor(redis, 'users.created', emails)).toBe(30);
    const handled = Object.values(await redis.hgetall('rpc:handled:{users}')).map(Number);
    expect(handled.reduce((a, b) => a + b, 0)).toBeGreaterThanOrEqual(30);
    expect(handled.filter((n) => n > 0).length).toBeGreaterThanOrEqual(2);
  });

  it('answers every request within its deadline when a replica is killed while holding some, without duplicates', async () => {
    const victim = stack.usersReplicas[1];
    const pending = createMany(stack, admin, 'killed', 24, 'a slow argon2 password');
    await new Promise((resolve) => setTimeout(resolve, 150));
    victim.child.kill('SIGKILL');
    const started = Date.now();
    const { emails, statuses } = await pending;

    expect(statuses).toEqual(Array(24).fill(201));
    expect(Date.now() - started).toBeLessThan(DEADLINE_MS);
    expect(await eventsFor(redis, 'users.created', emails)).toBe(24);
    expect(await stack.db.collection('users').countDocuments({ email: { $in: emails } })).toBe(24);
    stack.usersReplicas.splice(stack.usersReplicas.indexOf(victim), 1);
  });

  it('returns the first result for a command repeated with the same Idempotency-Key', async () => {
    const json = { email: email('idem'), name: 'Once' };
    const headers = { 'idempotency-key': `key-${Date.now()}-abcdef` };
    const first = await call<{ id: string }>(`${stack.api}/users`, { method: 'POST', token: admin, json, headers });
    const again = await call<{ id: string }>(`${stack.api}/users`, { method: 'POST', token: admin, json, headers });

    expect(first.status).toBe(201);
    expect(again.status).toBe(201);
    expect(again.body.id).toBe(first.body.id);
    expect(await eventsFor(redis, 'users.created', [json.email])).toBe(1);
    const withoutKey = await call(`${stack.api}/users`, { method: 'POST', token: admin, json });
    expect(withoutKey.status).toBe(409);
  });

  it('delivers events emitted while a subscriber was down once it is back', async () => {
    const victims: { id: string; sid: string }[] = [];
    for (let i = 0; i < 3; i++) {
      const address = email('gone');
      await call(`${stack.api}/auth/register`, { method: 'POST', json: { email: address, password: 'a fine password', name: 'Gone' } });
      const tokens = await stack.login(address, 'a fine password');
      const claims = JSON.parse(Buffer.from(tokens.accessToken.split('.')[1], 'base64url').toString());
      victims.push({ id: claims.sub, sid: claims.sid });
    }

    await stack.restartOauth(async () => {
      for (const { id } of victims) {
        expect((await call(`${stack.api}/users/${id}`, { method: 'DELETE', token: admin })).status).toBe(204);
      }
    });

    const sessions = stack.oauthDb.collection('sessions');
    const deadline = Date.now() + 10_000;
    let revoked = 0;
    while (Date.now() < deadline) {
      revoked = await sessions.countDocuments({ _id: { $in: victims.map((v) => v.sid) } as never, revokedReason: 'user deleted' });
      if (revoked === victims.length) break;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    expect(revoked).toBe(victims.length);
  });

  it('loses no event when the service is killed between writing a delete and publishing it (outbox)', async () => {
    const address = email('outbox');
    await call(`${stack.api}/auth/register`, { method: 'POST', json: { email: address, password: 'a fine password', name: 'Outbox' } });
    const tokens = await stack.login(address, 'a fine password');
    const { sub, sid } = JSON.parse(Buffer.from(tokens.accessToken.split('.')[1], 'base64url').toString());

    // only a replica that kills itself right after the write is left to take the delete
    const faulty = await stack.addUsersReplica({ FAULT_KILL_BEFORE_PUBLISH: 'users.deleted' });
    for (const replica of stack.usersReplicas.filter((r) => r !== faulty)) await replica.stop();
    stack.usersReplicas = [faulty];
    const deleting = call(`${stack.api}/users/${sub}`, { method: 'DELETE', token: admin });
    expect(await faulty.exited).toMatchObject({ signal: 'SIGKILL' });
    const deletedEventsFor = (id: string) => countUsersEvents(redis, 'users.deleted', (data) => data['id'] === id);
    expect(await deletedEventsFor(sub)).toBe(0);

    stack.usersReplicas = [];
    await stack.addUsersReplica();
    // the caller sees the delete done (the reclaimed delivery finds its tombstone), its deadline
    // pass, or, when the new replica's outbox sweep published the event and removed the tombstone
    // before the reclaimed delivery ran, the account already gone: DELETE's effect either way
    expect([204, 404, 504]).toContain((await deleting).status);

    const sessions = stack.oauthDb.collection('sessions');
    const deadline = Date.now() + 15_000;
    let revoked = 0;
    while (Date.now() < deadline && revoked === 0) {
      revoked = await sessions.countDocuments({ _id: sid as never, revokedReason: 'user deleted' });
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    expect(revoked).toBe(1);
    expect(await deletedEventsFor(sub)).toBe(1);
    expect(await stack.db.collection('users').countDocuments({ _id: new Types.ObjectId(sub) })).toBe(0);
    expect((await call(`${stack.api}/users/${sub}`, { token: admin })).status).toBe(404);
  });

  it('dead-letters a message after too many deliveries and answers its caller with an error', async () => {
    for (const replica of stack.usersReplicas) await replica.stop();
    const subscriber = new Redis(stack.redisUrl);
    try {
      const replies: string[] = [];
      await subscriber.subscribe('rpc:reply:poison-test');
      subscriber.on('message', (_channel, message) => replies.push(message));

      const data = JSON.stringify({
        data: { id: new Types.ObjectId().toHexString() },
        metadata: { requestId: 'poison', caller: 'test', deadline: Date.now() + 60_000 },
      });
      const messageId = await redis.xadd('rpc:{users}', '*', 'id', 'poison-1', 'pattern', 'users.find-by-id', 'reply', 'rpc:reply:poison-test', 'deadline', String(Date.now() + 60_000), 'data', data);
      // instances that crash while holding it: every delivery counts
      await redis.xreadgroup('GROUP', 'users', 'crashed-0', 'COUNT', 10, 'STREAMS', 'rpc:{users}', '>');
      for (let i = 1; i < MAX_DELIVERIES; i++) await redis.xclaim('rpc:{users}', 'users', `crashed-${i}`, 0, String(messageId));
      await new Promise((resolve) => setTimeout(resolve, RECLAIM_IDLE_MS + 100));

      stack.usersReplicas = [];
      await stack.addUsersReplica();

      const deadline = Date.now() + 10_000;
      while (replies.length === 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
      expect(JSON.parse(replies[0])).toMatchObject({ id: 'poison-1', err: { code: 'MESSAGE_DEAD_LETTERED' } });
      const dead = await redis.xrange('dlq:{users}', '-', '+');
      expect(dead).toHaveLength(1);
      expect(dead[0][1]).toEqual(expect.arrayContaining(['messageId', messageId, 'pattern', 'users.find-by-id']));
      await expectNothingPending(redis);
    } finally {
      subscriber.disconnect();
    }
  });

  it('answers 503 within 100 ms when no instance of the service is running', async () => {
    for (const replica of stack.usersReplicas) await replica.stop();
    const response = await call(`${stack.api}/users/${new Types.ObjectId().toHexString()}`, { token: admin });
    expect(response.status).toBe(503);
    expect(response.body).toMatchObject({ code: 'SERVICE_UNAVAILABLE' });
    expect(response.ms).toBeLessThan(100);
    stack.usersReplicas = [];
    await stack.addUsersReplica();
  });

  it('lets a stopping instance finish and acknowledge what it was doing (SIGTERM)', async () => {
    await stack.addUsersReplica();
    const pending = createMany(stack, admin, 'graceful', 12, 'a slow argon2 password');
    await new Promise((resolve) => setTimeout(resolve, 100));
    await stack.usersReplicas[0].stop('SIGTERM');
    const { emails, statuses } = await pending;
    expect(statuses).toEqual(Array(12).fill(201));
    expect(await stack.db.collection('users').countDocuments({ email: { $in: emails } })).toBe(12);
    await expectNothingPending(redis);
  });
});
