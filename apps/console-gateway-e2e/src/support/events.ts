import { StreamKeys } from '@site11/messaging';
import type Redis from 'ioredis';

/** Events published on `pattern` (any emitter: its stream is named after it) whose payload matches. */
export async function countEvents(redis: Redis, pattern: string, matches: (data: Record<string, unknown>) => boolean): Promise<number> {
  const entries = await redis.xrange(StreamKeys.events(pattern), '-', '+');
  return entries.filter(([, fields]) => matches(JSON.parse(fields[fields.indexOf('data') + 1]).data)).length;
}

/** Events on `pattern` about the users with these emails. */
export function eventsFor(redis: Redis, pattern: string, emails: string[]): Promise<number> {
  const wanted = new Set(emails);
  return countEvents(redis, pattern, (data) => wanted.has(data['email'] as string));
}
