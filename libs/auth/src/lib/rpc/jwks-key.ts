import type { JsonWebKeySet } from '@site11/contracts';
import type Redis from 'ioredis';

/**
 * Where the token authority (oauth) publishes its JWKS for the services. Only oauth's Redis user
 * may write it; every app may read it. Reading a key the broker guards, rather than asking oauth
 * over the transport, means no other process can answer in oauth's name, and services verify
 * tokens while oauth is down.
 */
export const JWKS_REDIS_KEY = 'auth:jwks';

export async function publishJwks(redis: Redis, jwks: JsonWebKeySet): Promise<void> {
  await redis.set(JWKS_REDIS_KEY, JSON.stringify(jwks));
}

export async function readJwks(redis: Redis): Promise<JsonWebKeySet> {
  const raw = await redis.get(JWKS_REDIS_KEY);
  if (!raw) throw new Error(`The token authority has not published its keys yet (${JWKS_REDIS_KEY})`);
  return JSON.parse(raw) as JsonWebKeySet;
}
