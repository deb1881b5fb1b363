import Redis from 'ioredis';

export const REGISTRY_REDIS = Symbol('REGISTRY_REDIS');

export function createRegistryRedis(url: string): Redis {
  const redis = new Redis(url, {
    lazyConnect: true,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    connectTimeout: 2000,
    retryStrategy: () => 500,
  });
  redis.on('error', () => undefined);
  redis.connect().catch(() => undefined);
  return redis;
}
