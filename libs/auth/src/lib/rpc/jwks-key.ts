import type { JsonWebKeySet } from '@site11/contracts';
import type { RedisClient } from '@site11/redis';

/**
 * Where the token authority (oauth) publishes its JWKS for the gateway and the services: a hash
 * `{ generation, jwks }`. Only oauth's Redis user may write it; every app may read it. Reading a
 * key the broker guards, rather than asking oauth over the transport, means no other process
 * can answer in oauth's name, and tokens are verified while oauth is down.
 */
export const JWKS_REDIS_KEY = 'auth:jwks';

/**
 * Replaces the published set unless a newer key generation is published already, so a replica
 * that read the key table just before another rotated cannot put back the older set. Withdrawn
 * keys that a same-generation writer still lists are refused by their withdrawal mark anyway.
 */
const PUBLISH_SCRIPT = `
local current = tonumber(redis.call('HGET', KEYS[1], 'generation') or '-1')
if current > tonumber(ARGV[1]) then return 0 end
redis.call('HSET', KEYS[1], 'generation', ARGV[1], 'jwks', ARGV[2])
return 1`;

/** Publishes `jwks` as of key generation `generation`; false when a newer one was there. */
export async function publishJwks(redis: RedisClient, jwks: JsonWebKeySet, generation: number): Promise<boolean> {
  return (await redis.eval(PUBLISH_SCRIPT, 1, JWKS_REDIS_KEY, String(generation), JSON.stringify(jwks))) === 1;
}

export async function readJwks(redis: RedisClient): Promise<JsonWebKeySet> {
  const raw = await redis.hget(JWKS_REDIS_KEY, 'jwks');
  if (!raw) throw new Error(`The token authority has not published its keys yet (${JWKS_REDIS_KEY})`);
  return JSON.parse(raw) as JsonWebKeySet;
}
