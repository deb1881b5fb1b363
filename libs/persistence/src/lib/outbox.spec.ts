import { RedisStreamsClient, RpcClient, StreamKeys } from '@site11/messaging';
import Redis from 'ioredis';
import mongoose, { type Connection, type Model, Schema, Types } from 'mongoose';
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, type Launched, startRedis } from '../../../../tools/platform/platform.cjs';
import { OUTBOX_FIELDS, OutboxRelay, outboxEvent, pushOutbox, withOutbox, type WithOutbox } from './outbox';

interface Thing extends WithOutbox {
  name: string;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('OutboxRelay (real FerretDB/MongoDB and Redis)', () => {
  let db: Connection;
  let things: Model<Thing>;
  let redisDir: string;
  let redisPort: number;
  let redisProc: Launched;
  let redis: Redis;
  let transport: RedisStreamsClient;
  let relay: OutboxRelay;

  const startOwnRedis = async () => {
    redisProc = await startRedis({ dir: redisDir, port: redisPort });
  };
  const deletedIds = async () =>
    (await redis.xrange(StreamKeys.events('users.deleted'), '-', '+')).map(([, f]) => JSON.parse(f[f.indexOf('data') + 1]).data.id);
  const createdIds = async () =>
    (await redis.xrange(StreamKeys.events('users.created'), '-', '+')).map(([, f]) => JSON.parse(f[f.indexOf('data') + 1]).data.id);

  beforeAll(async () => {
    db = await mongoose.createConnection(process.env['PERSISTENCE_TEST_MONGODB_URI'] as string, {
      dbName: `outbox_test_${randomBytes(4).toString('hex')}`,
    }).asPromise();
    things = db.model<Thing>('Thing', new Schema({ name: String, deletedAt: Date }).add(OUTBOX_FIELDS));
    redisDir = mkdtempSync(join(tmpdir(), 'outbox-redis-'));
    redisPort = await freePort();
    await startOwnRedis();
    redis = new Redis({ port: redisPort, lazyConnect: false });
    transport = new RedisStreamsClient({ url: `redis://127.0.0.1:${redisPort}`, caller: 'outbox-test', instanceId: 'outbox-test' });
    await transport.connect();
    const rpc = new RpcClient({ redisUrl: `redis://127.0.0.1:${redisPort}`, caller: 'outbox-test', defaultDeadlineMs: 2000 }, transport);
    relay = new OutboxRelay(rpc, { sweepMs: 60_000, scanMs: 60_000, sweepAfterMs: 0, killBeforePublish: [] });
    relay.watch(things);
  });

  afterAll(async () => {
    relay.onApplicationShutdown();
    await transport.close();
    redis.disconnect();
    await redisProc.stop();
    await db.dropDatabase();
    await db.close();
  });

  it('publishes an event still waiting on the document before a newer one, in order, then clears it', async () => {
    const _id = new Types.ObjectId();
    const id = _id.toHexString();
    // the create's relay never ran (a crash): its event waits on the document
    await things.create({ _id, name: 'a', ...withOutbox(outboxEvent('users.created', { id, email: 'a@b.co', roles: [] }, 'r1')) });
    await things.updateOne({ _id }, pushOutbox(outboxEvent('users.deleted', { id }, 'r2'), { deletedAt: new Date() })).exec();

    await relay.publish(things, _id);

    expect(await createdIds()).toContain(id);
    expect(await deletedIds()).toContain(id);
    const created = await redis.xrange(StreamKeys.events('users.created'), '-', '+');
    const deleted = await redis.xrange(StreamKeys.events('users.deleted'), '-', '+');
    // entry ids of two streams: the same millisecond is possible (both "<ms>-0"), so the order is
    // checked on the millisecond, as numbers (ids compared as text put "…-10" before "…-9")
    const millisecond = (entry: string | undefined) => Number((entry ?? '').split('-')[0]);
    const createdAt = millisecond(created.find(([, f]) => f.join().includes(id))?.[0]);
    const deletedAt = millisecond(deleted.find(([, f]) => f.join().includes(id))?.[0]);
    expect(createdAt).toBeGreaterThan(0);
    expect(createdAt).toBeLessThanOrEqual(deletedAt);
    expect(await things.countDocuments({ _id })).toBe(0); // the tombstone is gone with its last event
  });

  it('leaves an event written after the ones it published on the document, for the next publication', async () => {
    const _id = new Types.ObjectId();
    const id = _id.toHexString();
    const first = outboxEvent('users.created', { id, email: 'c@b.co', roles: [] }, 'r1');
    await things.create({ _id, name: 'c', ...withOutbox(first) });
    // another request changes the document between the insert and its relay's clear
    const second = outboxEvent('users.deleted', { id }, 'r2');
    await things.updateOne({ _id }, pushOutbox(second, { deletedAt: new Date() })).exec();

    await relay.publish(things, _id, [first]);

    const kept = await things.findById(_id).select('+outbox +outboxAt +outboxLast').lean().exec();
    expect(kept?.outbox?.map((event) => event.id)).toEqual([first.id, second.id]);
    expect(kept?.outboxLast).toBe(second.id);
    expect(kept?.outboxAt).toBeInstanceOf(Date);
    expect(await deletedIds()).not.toContain(id);
    // its writer's relay: both events out, the tombstone gone
    await relay.publish(things, _id);
    expect(await things.countDocuments({ _id })).toBe(0);
  });

  it('deletes a document inserted as a tombstone with its events once they are out, and keeps a live one', async () => {
    const tombstone = new Types.ObjectId();
    const live = new Types.ObjectId();
    const gone = outboxEvent('users.deleted', { id: tombstone.toHexString() }, 'r1');
    const born = outboxEvent('users.created', { id: live.toHexString(), email: 'd@b.co', roles: [] }, 'r2');
    await things.create({ _id: tombstone, name: 't', deletedAt: new Date(), ...withOutbox(gone) });
    await things.create({ _id: live, name: 'l', ...withOutbox(born) });

    await relay.publish(things, tombstone, [gone]);
    await relay.publish(things, live, [born]);

    expect(await things.countDocuments({ _id: tombstone })).toBe(0);
    const kept = await things.findById(live).select('+outbox +outboxAt +outboxLast').lean().exec();
    expect(kept?.name).toBe('l');
    expect(kept).not.toHaveProperty('outbox');
    expect(kept).not.toHaveProperty('outboxAt');
    expect(kept).not.toHaveProperty('outboxLast');
    expect(await deletedIds()).toContain(tombstone.toHexString());
    expect(await createdIds()).toContain(live.toHexString());
  });

  it('deletes a tombstone whose events are out but whose delete failed, when its publication is tried again', async () => {
    const _id = new Types.ObjectId();
    // what a relay leaves when its clear succeeded and its delete did not (the database busy)
    await things.create({ _id, name: 'e', deletedAt: new Date() });

    await relay.publish(things, _id);

    expect(await things.countDocuments({ _id })).toBe(0);
  });

  it('clears a document whose id is a string key, or an ObjectId given as hex', async () => {
    const keys = db.model<WithOutbox & { _id: string }>('Key', new Schema({ _id: String, deletedAt: Date }).add(OUTBOX_FIELDS));
    const kid = `key-${randomBytes(4).toString('hex')}`;
    const keyEvent = outboxEvent('users.created', { id: kid, email: 'k@b.co', roles: [] }, 'r1');
    await keys.create({ _id: kid, ...withOutbox(keyEvent) });
    const _id = new Types.ObjectId();
    const thingEvent = outboxEvent('users.created', { id: _id.toHexString(), email: 'h@b.co', roles: [] }, 'r2');
    await things.create({ _id, name: 'h', ...withOutbox(thingEvent) });

    await relay.publish(keys, kid, [keyEvent]);
    await relay.publish(things, _id.toHexString(), [thingEvent]);

    expect(await keys.findById(kid).select('+outbox +outboxAt').lean().exec()).not.toHaveProperty('outboxAt');
    expect(await things.findById(_id).select('+outbox +outboxAt').lean().exec()).not.toHaveProperty('outboxAt');
    expect(await createdIds()).toEqual(expect.arrayContaining([kid, _id.toHexString()]));
  });

  it('publishes an event once, however often it is relayed', async () => {
    const _id = new Types.ObjectId();
    const event = outboxEvent('users.created', { id: _id.toHexString(), email: 'b@b.co', roles: [] }, 'r');
    await things.create({ _id, name: 'b', ...withOutbox(event) });
    // a relay that appended it and died before clearing the document
    await relay.publish(things, _id, [event]);
    await things.updateOne({ _id }, { $set: withOutbox(event) }).exec();
    await relay.publish(things, _id);

    expect((await createdIds()).filter((id) => id === _id.toHexString())).toHaveLength(1);
    expect(await things.findById(_id).select('+outbox +outboxAt').lean().exec()).not.toHaveProperty('outboxAt');
  });

  it('keeps the write when Redis is away, and the sweep publishes the event once Redis is back', async () => {
    const _id = new Types.ObjectId();
    const event = outboxEvent('users.created', { id: _id.toHexString(), email: 'c@b.co', roles: [] }, 'r');
    await things.create({ _id, name: 'c', ...withOutbox(event) });
    await redisProc.stop('SIGKILL');
    try {
      await expect(relay.publishOrDefer(things, _id, [event])).resolves.toBeUndefined();
      expect(await things.findById(_id).select('+outboxAt').lean().exec()).toHaveProperty('outboxAt');
    } finally {
      await startOwnRedis();
    }
    const deadline = Date.now() + 10_000;
    while (!(await createdIds()).includes(_id.toHexString()) && Date.now() < deadline) {
      await relay.sweep();
      await sleep(200);
    }
    expect(await createdIds()).toContain(_id.toHexString());
    expect(await things.findById(_id).select('+outboxAt').lean().exec()).not.toHaveProperty('outboxAt');
  });

  it('tries a publication that failed again by its id, without looking through the collection', async () => {
    const _id = new Types.ObjectId();
    const event = outboxEvent('users.created', { id: _id.toHexString(), email: 'd@b.co', roles: [] }, 'r');
    await things.create({ _id, name: 'd', ...withOutbox(event) });
    await redisProc.stop('SIGKILL');
    try {
      await relay.publishOrDefer(things, _id, [event]);
      expect(relay.deferredCount).toBe(1);
      // still away: the retry keeps it for the next pass
      await relay.retryDeferred();
      expect(relay.deferredCount).toBe(1);
    } finally {
      await startOwnRedis();
    }
    const find = jest.spyOn(things, 'find');
    try {
      const deadline = Date.now() + 10_000;
      while (relay.deferredCount > 0 && Date.now() < deadline) {
        await relay.retryDeferred();
        if (relay.deferredCount > 0) await sleep(200);
      }
      expect(find).not.toHaveBeenCalled();
    } finally {
      find.mockRestore();
    }
    expect(relay.deferredCount).toBe(0);
    expect(await createdIds()).toContain(_id.toHexString());
    expect(await things.findById(_id).select('+outboxAt').lean().exec()).not.toHaveProperty('outboxAt');
  });

  it('runs one scan at a time: a scan asked for while one runs joins it', async () => {
    const first = relay.sweep();
    const second = relay.sweep();
    expect(second).toBe(first);
    await first;
    const third = relay.sweep();
    expect(third).not.toBe(first);
    await third;
  });
});
