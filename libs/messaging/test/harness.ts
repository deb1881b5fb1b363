import type { MessageHandler } from '@nestjs/microservices';
import type { Actor, IdempotencyOrigin } from '@site11/contracts';
import Redis from 'ioredis';
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startRedis } from '../../../tools/platform/platform.cjs';
import { RpcClient } from '../src/lib/client/rpc-client';
import { RedisStreamsClient } from '../src/lib/streams/redis-streams.client';
import { RedisStreamsServer, type RedisStreamsServerOptions } from '../src/lib/streams/redis-streams.server';

export const redisUrl = (): string => {
  const url = process.env['MESSAGING_TEST_REDIS_URL'];
  if (!url) throw new Error('MESSAGING_TEST_REDIS_URL is not set: run through the messaging jest config');
  return url;
};

/** A service name no other test uses, so tests never share streams or records. */
export const uniqueService = (tag: string) => `t${tag}${randomBytes(3).toString('hex')}`;

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export async function until(check: () => boolean | Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await sleep(20);
  }
}

type Handler = (payload: unknown) => unknown;

/** A streams server with plain functions as handlers, as Nest would register them. */
/** A redis-server of the test's own, for tests that kill it. */
export const privateRedis = () => startRedis({ dir: mkdtempSync(join(tmpdir(), 'messaging-private-redis-')) });

export async function startServer(
  service: string,
  handlers: { requests?: Record<string, Handler>; events?: Record<string, Handler> },
  tuning: Partial<RedisStreamsServerOptions> = {},
): Promise<RedisStreamsServer> {
  const server = new RedisStreamsServer({ service, instanceId: randomBytes(3).toString('hex'), ...tuning, url: tuning.url ?? redisUrl() });
  const wrap = (fn: Handler, isEvent: boolean) => {
    const handler = (async (payload: unknown) => fn(payload)) as unknown as MessageHandler;
    handler.isEventHandler = isEvent;
    return handler;
  };
  for (const [pattern, fn] of Object.entries(handlers.requests ?? {})) server.addHandler(pattern, wrap(fn, false), false);
  for (const [pattern, fn] of Object.entries(handlers.events ?? {})) server.addHandler(pattern, wrap(fn, true), true);
  await new Promise<void>((resolve, reject) => server.listen((error) => (error ? reject(error) : resolve())));
  return server;
}

export interface TestClient {
  rpc: RpcClient;
  close(): Promise<void>;
}

export async function startClient(caller = 'test-caller', defaultDeadlineMs = 5000): Promise<TestClient> {
  const transport = new RedisStreamsClient({ url: redisUrl(), caller, instanceId: `${caller}-${randomBytes(3).toString('hex')}` });
  await transport.connect();
  const rpc = new RpcClient({ redisUrl: redisUrl(), caller, defaultDeadlineMs, breaker: { failures: 1000, halfOpenAfterMs: 100 } }, transport);
  return { rpc, close: () => transport.close() };
}

export function command(key: string, origin: IdempotencyOrigin = 'client', actor?: Actor) {
  return { requestId: `req-${randomBytes(3).toString('hex')}`, idempotencyKey: key, idempotencyOrigin: origin, ...(actor ? { actor } : {}) };
}

export const newRedis = () => new Redis(redisUrl());
