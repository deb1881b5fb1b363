import Redis from 'ioredis';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startRedis } from '../../../../tools/platform/platform.cjs';
import { bypassesCache, CacheKeys, ReadCache } from './read-cache';

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

describe('ReadCache (real Redis)', () => {
  let server: { url: string; stop: () => Promise<unknown> };
  const clients: Redis[] = [];
  let seq = 0;

  const connect = () => {
    const redis = new Redis(server.url, { enableAutoPipelining: true });
    clients.push(redis);
    return redis;
  };
  const newCache = (ttlSeconds = 60, redis = connect()) => new ReadCache(redis, { ttlSeconds, waitMs: 500 });
  const ref = () => ({ resource: 'things', id: `t${++seq}` });

  /** A source of truth with a counter of loads, like the owning service behind the cache. */
  function source(initial: unknown, delayMs = 0) {
    const state = { value: initial, loads: 0 };
    const load = async () => {
      state.loads++;
      const value = state.value;
      if (delayMs) await sleep(delayMs);
      return value;
    };
    return { state, load };
  }

  beforeAll(async () => {
    server = (await startRedis({ dir: mkdtempSync(join(tmpdir(), 'read-cache-redis-')) })) as never;
  });

  afterAll(async () => {
    clients.forEach((client) => client.disconnect());
    await server?.stop();
  });

  it('answers a second read from Redis without asking the service again', async () => {
    const cache = newCache();
    const thing = ref();
    const { state, load } = source({ name: 'a' });
    const outcomes: string[] = [];

    expect(await cache.read(thing, 'v', load, { bypass: false, report: (o) => outcomes.push(o) })).toEqual({ name: 'a' });
    expect(await cache.read(thing, 'v', load, { bypass: false, report: (o) => outcomes.push(o) })).toEqual({ name: 'a' });
    expect(state.loads).toBe(1);
    expect(outcomes).toEqual(['miss', 'hit']);
  });

  it('serves the new value to every reader once the resource is invalidated after a write', async () => {
    const [writer, other] = [newCache(), newCache()];
    const thing = ref();
    const { state, load } = source('old');
    await writer.read(thing, 'v', load);
    await other.read(thing, 'v', load);

    state.value = 'new';
    await writer.invalidate(thing);

    expect(await writer.read(thing, 'v', load)).toBe('new');
    expect(await other.read(thing, 'v', load)).toBe('new');
  });

  it('never stores a value loaded before a write that was invalidated while it loaded', async () => {
    const cache = newCache();
    const thing = ref();
    const state = { value: 'old' };
    const slowLoad = async () => {
      const value = state.value; // read before the write...
      state.value = 'new'; // ...the write commits and invalidates while the load is still on its way
      await cache.invalidate(thing);
      return value;
    };

    expect(await cache.read(thing, 'v', slowLoad)).toBe('old');
    expect(await cache.read(thing, 'v', async () => state.value)).toBe('new');
  });

  it('lets one load answer many concurrent readers of one process', async () => {
    const cache = newCache();
    const thing = ref();
    const { state, load } = source('v1', 50);

    const values = await Promise.all(Array.from({ length: 50 }, () => cache.read(thing, 'v', load)));

    expect(new Set(values)).toEqual(new Set(['v1']));
    expect(state.loads).toBe(1);
  });

  it('lets one process load while the others wait for its value', async () => {
    const caches = [newCache(), newCache(), newCache()];
    const thing = ref();
    const { state, load } = source('shared', 100);

    const values = await Promise.all(caches.map((cache) => cache.read(thing, 'v', load)));

    expect(values).toEqual(['shared', 'shared', 'shared']);
    expect(state.loads).toBe(1);
  });

  it('keeps views apart, so one caller’s view is never served to another', async () => {
    const cache = newCache();
    const thing = ref();
    await cache.read(thing, 'owner:alice', async () => ({ secret: 'alice' }));

    expect(await cache.read(thing, 'owner:bob', async () => ({ secret: 'bob' }))).toEqual({ secret: 'bob' });
    expect(await cache.read(thing, 'owner:alice', async () => ({ secret: 'reloaded' }))).toEqual({ secret: 'alice' });
  });

  it('neither reads nor stores for a request that bypasses it', async () => {
    const cache = newCache();
    const thing = ref();
    await cache.read(thing, 'v', async () => 'cached');
    const outcomes: string[] = [];

    expect(await cache.read(thing, 'v', async () => 'fresh', { bypass: true, report: (o) => outcomes.push(o) })).toBe('fresh');
    expect(await cache.read(thing, 'v', async () => 'other')).toBe('cached');
    expect(outcomes).toEqual(['bypass']);
  });

  it('never reuses a version number after the version expired, so no old load can match it', async () => {
    const redis = connect();
    const cache = newCache(60, redis);
    const thing = ref();
    await cache.invalidate(thing);
    const first = await redis.get(CacheKeys.version(thing));
    await redis.del(CacheKeys.version(thing)); // expired, or lost with Redis
    await cache.invalidate(thing);
    const second = await redis.get(CacheKeys.version(thing));

    expect(first).toMatch(/^\d{16}$/);
    expect(second).not.toBe(first);
    expect(Number(second)).toBeGreaterThan(1);
    await cache.invalidate(thing);
    expect(BigInt(await redis.get(CacheKeys.version(thing)) as string)).toBe(BigInt(second as string) + 1n);
  });

  it('drops an entry no invalidation reached once its TTL passes', async () => {
    const cache = newCache(1);
    const thing = ref();
    await cache.read(thing, 'v', async () => 'first');
    await sleep(1100);

    expect(await cache.read(thing, 'v', async () => 'second')).toBe('second');
  });

  it('caches no failure and frees the load lock at once', async () => {
    const a = newCache();
    const thing = ref();
    await expect(a.read(thing, 'v', async () => Promise.reject(new Error('not found')))).rejects.toThrow('not found');
    expect(await connect().exists(CacheKeys.lock(thing, 'v'))).toBe(0);

    const patient = new ReadCache(connect(), { ttlSeconds: 60, waitMs: 2000 });
    const started = Date.now();
    expect(await patient.read(thing, 'v', async () => 'found')).toBe('found');
    expect(Date.now() - started).toBeLessThan(1000); // a lock left behind would cost the whole 2 s wait
  });

  it('always shows a writer its own write, with readers hammering the same key', async () => {
    const [writer, ...readers] = [newCache(), newCache(), newCache(), newCache()];
    const thing = ref();
    const state = { version: 0 };
    const load = async () => {
      const seen = state.version;
      await sleep(Math.random() * 5);
      return seen;
    };
    let reading = true;
    const hammering = readers.map(async (cache) => {
      while (reading) await cache.read(thing, 'v', load);
    });
    try {
      for (let write = 1; write <= 40; write++) {
        state.version = write; // the write commits...
        await writer.invalidate(thing); // ...and its reply goes out only after the invalidation
        expect(await writer.read(thing, 'v', load)).toBe(write);
        await sleep(Math.random() * 3);
      }
    } finally {
      reading = false;
      await Promise.all(hammering);
    }
    for (const cache of readers) expect(await cache.read(thing, 'v', load)).toBe(40);
  });

  it('loads directly when Redis cannot answer, as if there were no cache', async () => {
    const own = (await startRedis({ dir: mkdtempSync(join(tmpdir(), 'read-cache-down-')) })) as { url: string; stop: () => Promise<unknown> };
    const redis = new Redis(own.url, { maxRetriesPerRequest: 0, enableOfflineQueue: false, retryStrategy: () => 200 });
    redis.on('error', () => undefined);
    clients.push(redis);
    const cache = new ReadCache(redis, { ttlSeconds: 60 });
    const thing = ref();
    await cache.read(thing, 'v', async () => 'before');
    await own.stop();

    expect(await cache.read(thing, 'v', async () => 'from the service')).toBe('from the service');
  });
});

describe('bypassesCache', () => {
  it('reads no-cache and no-store from a Cache-Control header, and nothing else', () => {
    expect(bypassesCache('no-cache')).toBe(true);
    expect(bypassesCache('max-age=0, no-store')).toBe(true);
    expect(bypassesCache(['public', 'no-cache'])).toBe(true);
    expect(bypassesCache('max-age=60')).toBe(false);
    expect(bypassesCache('no-transform')).toBe(false);
    expect(bypassesCache(undefined)).toBe(false);
  });
});
