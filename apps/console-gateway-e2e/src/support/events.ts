import type Redis from 'ioredis';

/** Events the users service published on `pattern` whose payload matches. */
export async function countUsersEvents(redis: Redis, pattern: string, matches: (data: Record<string, unknown>) => boolean): Promise<number> {
  const entries = await redis.xrange(`evt:{users}:${pattern}`, '-', '+');
  return entries.filter(([, fields]) => matches(JSON.parse(fields[fields.indexOf('data') + 1]).data)).length;
}

/** Events on `pattern` about the users with these emails. */
export function eventsFor(redis: Redis, pattern: string, emails: string[]): Promise<number> {
  const wanted = new Set(emails);
  return countUsersEvents(redis, pattern, (data) => wanted.has(data['email'] as string));
}
