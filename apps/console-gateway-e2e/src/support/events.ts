import { randomUUID } from 'node:crypto';
import { StreamKeys } from '@site11/messaging';
import type { Cluster, Redis as SingleRedis } from 'ioredis';

/** A test's connection to the stack's Redis: one node, or a cluster client (`Stack.redisClient`). */
type Redis = SingleRedis | Cluster;

/** Payloads of the events on `pattern`'s stream (any emitter: the stream is named after the event), oldest first. */
async function payloads(redis: Redis, pattern: string): Promise<Record<string, unknown>[]> {
  const entries = await redis.xrange(StreamKeys.events(pattern), '-', '+');
  return entries.map(([, fields]) => (JSON.parse(fields[fields.indexOf('data') + 1]) as { data: Record<string, unknown> }).data);
}

/** Events published on `pattern` whose payload matches. */
export async function countEvents(redis: Redis, pattern: string, matches: (data: Record<string, unknown>) => boolean): Promise<number> {
  return (await payloads(redis, pattern)).filter(matches).length;
}

/** Events on `pattern` about the users with these emails. */
export function eventsFor(redis: Redis, pattern: string, emails: string[]): Promise<number> {
  const wanted = new Set(emails);
  return countEvents(redis, pattern, (data) => wanted.has(data['email'] as string));
}

/**
 * The `id`s in the payloads of the events on `pattern`'s stream, oldest first: what the consumer
 * groups of the subscribing services read.
 */
export async function eventIds(redis: Redis, pattern: string): Promise<string[]> {
  return (await payloads(redis, pattern)).map((data) => data['id'] as string);
}

/**
 * Appends events to `pattern`'s stream the way an emitter's outbox relay does (envelope with
 * request id, event id and time), `count` at a time in pipelines of 500. Returns the event ids.
 */
export async function appendEvents(
  redis: Redis,
  pattern: string,
  count: number,
  event: (i: number) => { data: Record<string, unknown>; at?: number; id?: string },
): Promise<string[]> {
  const ids: string[] = [];
  for (let start = 0; start < count; start += 500) {
    const pipeline = redis.pipeline();
    for (let i = start; i < Math.min(count, start + 500); i++) {
      const { data, at, id = randomUUID() } = event(i);
      ids.push(id);
      const metadata = { requestId: `e2e-${i}`, eventId: id, caller: 'e2e', occurredAt: new Date(at ?? Date.now()).toISOString() };
      pipeline.xadd(StreamKeys.events(pattern), '*', 'pattern', pattern, 'data', JSON.stringify({ data, metadata }));
    }
    await pipeline.exec();
  }
  return ids;
}
