import { createFailFastRedis, type RedisClient, type RedisTarget } from '@site11/redis';

export const REGISTRY_REDIS = Symbol('REGISTRY_REDIS');

export function createRegistryRedis(url: RedisTarget): RedisClient {
  return createFailFastRedis(url, { connectionName: 'registry' });
}
