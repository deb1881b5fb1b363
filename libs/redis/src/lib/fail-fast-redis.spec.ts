import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, type Launched, startRedis } from '../../../../tools/platform/platform.cjs';
import { createFailFastRedis } from './fail-fast-redis';
import type { RedisClient } from './redis-client';

jest.setTimeout(30_000);

/** Retries PING until Redis answers, for at most `withinMs`; the answer, or the last error. */
async function pingWithin(redis: RedisClient, withinMs: number): Promise<string> {
  const deadline = Date.now() + withinMs;
  for (;;) {
    try {
      return await redis.ping();
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
}

/** How long a command took to fail; fails the test if it succeeded. */
async function msToFail(command: () => Promise<unknown>): Promise<number> {
  const started = Date.now();
  await expect(command()).rejects.toThrow();
  return Date.now() - started;
}

/**
 * Disconnects and waits until ioredis holds no timer: a connected client ends when its socket
 * closes; one waiting to reconnect has no socket left to close, and ioredis keeps a timer for
 * that socket (its `disconnectTimeout`, 2 s) whatever happens, so wait that out.
 */
async function closed(redis: RedisClient): Promise<void> {
  if (redis.status === 'end') return;
  const ended = new Promise((resolve) => redis.once('end', resolve));
  redis.disconnect();
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([
    ended,
    new Promise((waited) => (timer = setTimeout(waited, 2_100))),
  ]).finally(() => clearTimeout(timer));
}

describe('createFailFastRedis', () => {
  const clients: RedisClient[] = [];
  const servers: Launched[] = [];
  const dir = mkdtempSync(join(tmpdir(), 'fail-fast-redis-'));

  function connect(port: number): RedisClient {
    const redis = createFailFastRedis(`redis://127.0.0.1:${port}`, { connectionName: 'fail-fast-test' });
    clients.push(redis);
    return redis;
  }

  async function serve(port?: number) {
    const server = await startRedis({ dir, port });
    servers.push(server);
    return server;
  }

  afterAll(async () => {
    await Promise.all(clients.map(closed));
    await Promise.all(servers.map((server) => server.stop()));
  });

  it('fails a command at once when nothing listens, instead of queueing it', async () => {
    const redis = connect(await freePort());

    expect(await msToFail(() => redis.ping())).toBeLessThan(500);
    // still failing fast while it keeps retrying in the background
    await new Promise((resolve) => setTimeout(resolve, 700));
    expect(await msToFail(() => redis.get('key'))).toBeLessThan(500);
  });

  it('answers PING from a running Redis', async () => {
    const server = await serve();
    const redis = connect(server.port);

    await expect(pingWithin(redis, 5_000)).resolves.toBe('PONG');
  });

  it('fails fast while Redis is stopped and reconnects by itself when it is back on the same port', async () => {
    const first = await serve();
    const redis = connect(first.port);
    await expect(pingWithin(redis, 5_000)).resolves.toBe('PONG');

    await first.stop();
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(await msToFail(() => redis.ping())).toBeLessThan(500);

    await serve(first.port);
    await expect(pingWithin(redis, 5_000)).resolves.toBe('PONG');
  });
});
