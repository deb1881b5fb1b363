import { UsersEvents, UsersPatterns } from '@site11/contracts';
import { StreamKeys } from '@site11/messaging';
import Redis from 'ioredis';
import { Types } from 'mongoose';
import { countEvents, eventsFor } from '../support/events';
import { call, Stack } from '../support/stack';
import { claimsOf } from '../support/tokens';
import { createMany, sessionsRevoked, startReplicas, uniqueEmail as email } from '../support/users-load';

/** Guarantees only the streams transport gives; the built-in pub/sub one would fail them. */
const describeStreams = process.env['TRANSPORT'] === 'redis' ? describe.skip : describe;

/** The defaults: this suite runs with no streams setting changed. */
const RECLAIM_IDLE_MS = 2000;
const MAX_DELIVERIES = 5;
const DEADLINE_MS = 5000;
const LIVENESS_MS = 3000;

/** The service under test; its consumer group on its request stream is named after it (RedisStreamsServer). */
const USERS = 'users';
const REQUESTS = StreamKeys.requests(USERS);

/** Nothing left pending; a health ping may be in flight at any moment, so give it a moment. */
async function expectNothingPending(redis: Redis): Promise<void> {
  const deadline = Date.now() + 3000;
  let pending = await redis.xpending(REQUESTS, USERS);
  while ((pending as [number])[0] !== 0 && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    pending = await redis.xpending(REQUESTS, USERS);
  }
  expect(pending).toEqual([0, null, null, null]);
}

/**
 * Waits until no instance of the service counts as live: a gracefully stopped one leaves the live
 * set at once, a killed one only once its last heartbeat is older than the liveness window.
 */
async function untilNoInstanceIsLive(redis: Redis): Promise<void> {
  const deadline = Date.now() + LIVENESS_MS + 2000;
  for (;;) {
    const [seconds, micros] = await redis.time();
    const now = Number(seconds) * 1000 + Math.floor(Number(micros) / 1000);
    const live = await redis.zcount(StreamKeys.live(USERS), now - LIVENESS_MS, '+inf');
    if (live === 0) return;
    if (Date.now() > deadline) throw new Error(`${live} instance(s) of ${USERS} still live`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describeStreams('the streams transport', () => {
  let stack: Stack;
  let redis: Redis;
  let admin: string;

  beforeAll(async () => {
    // one replica seeds the admin and creates the service's consumer group; then each test starts
    // the replicas it needs, so that none depends on what an earlier one left running
    stack = await Stack.start({ ownRedis: true });
    redis = new Redis(stack.redisUrl);
    admin = await stack.adminToken();
    await stack.users.stop();
    stack.usersReplicas = [];
  });

  /** Stops every replica the test started (stopping one that was killed or stopped already is a no-op). */
  afterEach(async () => {
    for (const replica of stack.usersReplicas) await replica.stop();
    stack.usersReplicas = [];
  });

  afterAll(async () => {
    redis?.disconnect();
    await stack?.stop();
  });

  it('handles each request on exactly one of three replicas, spreading the work', async () => {
    await startReplicas(stack, 3);
    await redis.del(StreamKeys.handled(USERS));
    const { emails, statuses } = await createMany(stack, admin, 'three', 30);

    expect(statuses).toEqual(Array(30).fill(201));
    expect(await stack.db.collection('users').countDocuments({ email: { $in: emails } })).toBe(30);
    expect(await eventsFor(redis, UsersEvents.created, emails)).toBe(30);
    // each instance adds its count with its next heartbeat (every second), off the request path
    let handled: number[] = [];
    for (const until = Date.now() + 5000; Date.now() < until; await new Promise((resolve) => setTimeout(resolve, 200))) {
      handled = Object.values(await redis.hgetall(StreamKeys.handled(USERS))).map(Number);
      if (handled.reduce((a, b) => a + b, 0) >= 30) break;
    }
    expect(handled.reduce((a, b) => a + b, 0)).toBeGreaterThanOrEqual(30);
    expect(handled.filter((n) => n > 0).length).toBeGreaterThanOrEqual(2);
  });

  it('answers every request within its deadline when a replica is killed while holding some, without duplicates', async () => {
    const victim = (await startReplicas(stack, 3))[1];
    const pending = createMany(stack, admin, 'killed', 24, 'a slow argon2 password');
    await new Promise((resolve) => setTimeout(resolve, 150));
    victim.child.kill('SIGKILL');
    const started = Date.now();
    const { emails, statuses } = await pending;

    expect(statuses).toEqual(Array(24).fill(201));
    expect(Date.now() - started).toBeLessThan(DEADLINE_MS);
    expect(await eventsFor(redis, UsersEvents.created, emails)).toBe(24);
    expect(await stack.db.collection('users').countDocuments({ email: { $in: emails } })).toBe(24);
  });

  it('returns the first result for a command repeated with the same Idempotency-Key', async () => {
    await stack.addUsersReplica();
    const json = { email: email('idem'), name: 'Once' };
    const headers = { 'idempotency-key': `key-${Date.now()}-abcdef` };
    const first = await call<{ id: string }>(`${stack.api}/users`, { method: 'POST', token: admin, json, headers });
    const again = await call<{ id: string }>(`${stack.api}/users`, { method: 'POST', token: admin, json, headers });

    expect(first.status).toBe(201);
    expect(again.status).toBe(201);
    expect(again.body.id).toBe(first.body.id);
    expect(await eventsFor(redis, UsersEvents.created, [json.email])).toBe(1);
    const withoutKey = await call(`${stack.api}/users`, { method: 'POST', token: admin, json });
    expect(withoutKey.status).toBe(409);
  });

  it('delivers events emitted while a subscriber was down once it is back', async () => {
    await stack.addUsersReplica();
    const victims: { id: string; sid: string }[] = [];
    for (let i = 0; i < 3; i++) {
      const address = email('gone');
      await call(`${stack.api}/auth/register`, { method: 'POST', json: { email: address, password: 'a fine password', name: 'Gone' } });
      const tokens = await stack.login(address, 'a fine password');
      const claims = claimsOf(tokens.accessToken);
      victims.push({ id: claims.sub, sid: claims.sid });
    }

    await stack.restartOauth(async () => {
      for (const { id } of victims) {
        expect((await call(`${stack.api}/users/${id}`, { method: 'DELETE', token: admin })).status).toBe(204);
      }
    });

    expect(await sessionsRevoked(stack, victims.map((v) => v.sid), 'user deleted')).toBe(victims.length);
  });

  it('loses no event when the service is killed between writing a delete and publishing it (outbox)', async () => {
    const healthy = await stack.addUsersReplica();
    const address = email('outbox');
    await call(`${stack.api}/auth/register`, { method: 'POST', json: { email: address, password: 'a fine password', name: 'Outbox' } });
    const tokens = await stack.login(address, 'a fine password');
    const { sub, sid } = claimsOf(tokens.accessToken);

    // only a replica that kills itself right after the write is left to take the delete
    const faulty = await stack.addUsersReplica({ FAULT_KILL_BEFORE_PUBLISH: UsersEvents.deleted });
    await healthy.stop();
    const deleting = call(`${stack.api}/users/${sub}`, { method: 'DELETE', token: admin });
    expect(await faulty.exited).toMatchObject({ signal: 'SIGKILL' });
    const deletedEventsFor = (id: string) => countEvents(redis, UsersEvents.deleted, (data) => data['id'] === id);
    expect(await deletedEventsFor(sub)).toBe(0);

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
    // no instance runs until the message has been delivered too often
    const subscriber = new Redis(stack.redisUrl);
    try {
      const replies: string[] = [];
      const caller = 'e2e';
      const replyChannel = StreamKeys.reply(caller, 'poison-test');
      await subscriber.subscribe(replyChannel);
      subscriber.on('message', (_channel, message) => replies.push(message));

      const data = JSON.stringify({
        data: { id: new Types.ObjectId().toHexString() },
        metadata: { requestId: 'poison', caller, deadline: Date.now() + 60_000 },
      });
      const messageId = await redis.xadd(REQUESTS, '*', 'id', 'poison-1', 'pattern', UsersPatterns.findById, 'reply', replyChannel, 'deadline', String(Date.now() + 60_000), 'data', data);
      // instances that crash while holding it: every delivery counts
      await redis.xreadgroup('GROUP', USERS, 'crashed-0', 'COUNT', 10, 'STREAMS', REQUESTS, '>');
      for (let i = 1; i < MAX_DELIVERIES; i++) await redis.xclaim(REQUESTS, USERS, `crashed-${i}`, 0, String(messageId));
      await new Promise((resolve) => setTimeout(resolve, RECLAIM_IDLE_MS + 100));

      await stack.addUsersReplica();

      const deadline = Date.now() + 10_000;
      while (replies.length === 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
      expect(JSON.parse(replies[0])).toMatchObject({ id: 'poison-1', err: { code: 'MESSAGE_DEAD_LETTERED' } });
      const dead = await redis.xrange(StreamKeys.deadLetters(USERS), '-', '+');
      expect(dead).toHaveLength(1);
      expect(dead[0][1]).toEqual(expect.arrayContaining(['messageId', messageId, 'pattern', UsersPatterns.findById]));
      await expectNothingPending(redis);
    } finally {
      subscriber.disconnect();
    }
  });

  it('answers 503 at once (under 500 ms, not at the 5 s deadline) when no instance of the service is running', async () => {
    const findAny = () => call(`${stack.api}/users/${new Types.ObjectId().toHexString()}`, { token: admin });
    // a gateway that just started answers its first requests slowly (token keys, cold code): warm
    // it as earlier traffic would, while an instance answers (404s, which trip no circuit breaker)
    const replica = await stack.addUsersReplica();
    for (let i = 0; i < 10; i++) expect((await findAny()).status).toBe(404);
    await replica.stop();
    await untilNoInstanceIsLive(redis);

    const response = await findAny();
    expect(response.status).toBe(503);
    expect(response.body).toMatchObject({ code: 'SERVICE_UNAVAILABLE' });
    // no wait for a reply: the append is refused while no instance is live (one retry 25-75 ms later)
    expect(response.ms).toBeLessThan(500);
  });

  it('lets a stopping instance finish and acknowledge what it was doing (SIGTERM)', async () => {
    const [stopping] = await startReplicas(stack, 2);
    const pending = createMany(stack, admin, 'graceful', 12, 'a slow argon2 password');
    await new Promise((resolve) => setTimeout(resolve, 100));
    await stopping.stop('SIGTERM');
    const { emails, statuses } = await pending;
    expect(statuses).toEqual(Array(12).fill(201));
    expect(await stack.db.collection('users').countDocuments({ email: { $in: emails } })).toBe(12);
    await expectNothingPending(redis);
  });
});
