import { RedisStreamsClient, RpcClient, StreamKeys } from '@site11/messaging';
import type { AuditRecordedEvent } from '@site11/contracts';
import Redis from 'ioredis';
import mongoose, { type Connection, type Model, Schema } from 'mongoose';
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, type Launched, startRedis } from '../../../../tools/platform/platform.cjs';
import { auditRecord } from '@site11/contracts';
import { auditEvent, AuditTrail } from './audit-trail';
import { OUTBOX_FIELDS, OutboxRelay, withOutbox, type WithOutbox } from './outbox';
import { PendingEvent, PendingEventSchema, PendingEvents } from './pending-events';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('auditRecord and auditEvent', () => {
  it('build a record from the call: its request id, and the client’s address and user agent as the gateway saw them', () => {
    const at = new Date('2026-01-01T00:00:00Z');
    const metadata = {
      requestId: 'req-1',
      client: { ip: '203.0.113.7', userAgent: 'audit-test/1.0' },
    };
    expect(auditRecord(metadata, { actor: 'u1', action: 'oauth.keys.rotated', target: 'key:k1' }, at)).toEqual({
      at: '2026-01-01T00:00:00.000Z',
      actor: 'u1',
      action: 'oauth.keys.rotated',
      target: 'key:k1',
      ip: '203.0.113.7',
      userAgent: 'audit-test/1.0',
      requestId: 'req-1',
      outcome: 'success',
    });
    expect(
      auditRecord(
        { requestId: 'req-2' },
        {
          actor: null,
          action: 'auth.login.failed',
          target: null,
          outcome: 'failure',
        },
      ),
    ).toMatchObject({
      ip: null,
      userAgent: null,
      outcome: 'failure',
    });
  });

  it('put a record on its producer’s own audit stream, with the request id', () => {
    const record = auditRecord(
      { requestId: 'req-1' },
      {
        actor: 'u1',
        action: 'applications.secret.rotated',
        target: 'application:c1',
      },
    );
    expect(auditEvent('applications', record, 'req-1')).toMatchObject({
      pattern: 'applications.audit.recorded',
      data: record,
      requestId: 'req-1',
    });
    expect(auditEvent('users', record, 'req-1').pattern).toBe('users.audit.recorded');
  });
});

describe('AuditTrail (real FerretDB/MongoDB and Redis)', () => {
  let db: Connection;
  let pending: Model<PendingEvent>;
  let keys: Model<WithOutbox>;
  let redisDir: string;
  let redisPort: number;
  let redisProc: Launched;
  let redis: Redis;
  let transport: RedisStreamsClient;
  let relay: OutboxRelay;
  let trail: AuditTrail;

  const startOwnRedis = async () => {
    redisProc = await startRedis({ dir: redisDir, port: redisPort });
  };
  const recorded = async (): Promise<{ data: AuditRecordedEvent; metadata: { eventId: string } }[]> =>
    (await redis.xrange(StreamKeys.events('oauth.audit.recorded'), '-', '+')).map(([, f]) => JSON.parse(f[f.indexOf('data') + 1]));

  beforeAll(async () => {
    db = await mongoose
      .createConnection(process.env['PERSISTENCE_TEST_MONGODB_URI'] as string, {
        dbName: `audit_trail_test_${randomBytes(4).toString('hex')}`,
      })
      .asPromise();
    pending = db.model(PendingEvent.name, PendingEventSchema);
    // a collection whose ids are strings of its own, as signing keys' kids are
    keys = db.model<WithOutbox>('Key', new Schema({ _id: String }).add(OUTBOX_FIELDS));
    redisDir = mkdtempSync(join(tmpdir(), 'audit-trail-redis-'));
    redisPort = await freePort();
    await startOwnRedis();
    redis = new Redis({ port: redisPort, lazyConnect: false });
    transport = new RedisStreamsClient({
      url: `redis://127.0.0.1:${redisPort}`,
      caller: 'audit-trail-test',
      instanceId: 'audit-trail-test',
    });
    await transport.connect();
    const rpc = new RpcClient(
      {
        redisUrl: `redis://127.0.0.1:${redisPort}`,
        caller: 'audit-trail-test',
        defaultDeadlineMs: 2000,
      },
      transport,
    );
    relay = new OutboxRelay(rpc, {
      sweepMs: 60_000,
      scanMs: 60_000,
      sweepAfterMs: 0,
      killBeforePublish: [],
    });
    const events = new PendingEvents(pending, relay);
    events.onModuleInit();
    trail = new AuditTrail('oauth', events);
  });

  afterAll(async () => {
    relay.onApplicationShutdown();
    await transport.close();
    redis.disconnect();
    await redisProc.stop();
    await db.dropDatabase();
    await db.close();
  });

  it('publishes a record on the producer’s audit stream under its event id, then deletes the tombstone', async () => {
    const record = auditRecord({ requestId: 'req-publish' }, { actor: 'u1', action: 'oauth.keys.withdrawn', target: 'key:k1' });
    await trail.record(record);
    const published = (await recorded()).find((event) => event.data.requestId === 'req-publish');
    expect(published?.data).toEqual(record);
    expect(published?.metadata.eventId).toEqual(expect.any(String));
    expect(await pending.countDocuments()).toBe(0);
  });

  it('keeps a record when Redis is away, and publishes it by its id once Redis is back, string ids included', async () => {
    const record = auditRecord({ requestId: 'req-away' }, { actor: 'u1', action: 'oauth.keys.withdrawn', target: 'key:k2' });
    const keyRecord = trail.event(auditRecord({ requestId: 'req-key' }, { actor: 'u1', action: 'oauth.keys.rotated', target: 'key:k3' }));
    await keys.create({ _id: 'k3', ...withOutbox(keyRecord) });
    await redisProc.stop('SIGKILL');
    try {
      await trail.record(record);
      await relay.publishOrDefer(keys, 'k3', [keyRecord]);
      expect(await pending.countDocuments()).toBe(1);
      expect(relay.deferredCount).toBe(2);
    } finally {
      await startOwnRedis();
    }
    const deadline = Date.now() + 10_000;
    while (relay.deferredCount > 0 && Date.now() < deadline) {
      await relay.retryDeferred();
      if (relay.deferredCount > 0) await sleep(200);
    }
    const requestIds = (await recorded()).map((event) => event.data.requestId);
    expect(requestIds).toEqual(expect.arrayContaining(['req-away', 'req-key']));
    expect(await pending.countDocuments()).toBe(0);
    expect(await keys.findById('k3').select('+outboxAt').lean().exec()).not.toHaveProperty('outboxAt');
  });
});
