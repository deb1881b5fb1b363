import Redis, { type RedisOptions } from 'ioredis';
import { redisConnectionOptions } from './redis-options';

export interface FailFastRedisOptions {
  /** Shown in `CLIENT LIST`, e.g. `users-1:registry`. */
  connectionName?: string;
  /** How long one connection attempt may take (ms). */
  connectTimeoutMs?: number;
}

/** ioredis options of a fail-fast connection (see `createFailFastRedis`), connecting when asked (`lazyConnect`). */
export function failFastRedisOptions(url: string, options: FailFastRedisOptions = {}): RedisOptions {
  return {
    ...redisConnectionOptions(url),
    ...(options.connectionName ? { connectionName: options.connectionName } : {}),
    lazyConnect: true,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    connectTimeout: options.connectTimeoutMs ?? 2000,
    retryStrategy: () => 500,
    // commands issued in the same tick (a request's denylist checks, concurrent requests) leave
    // in one socket write: fewer syscalls per request (docs/performance.md)
    enableAutoPipelining: true,
  };
}

/**
 * A Redis connection for application state (denylists, rate limits, registry, health probes)
 * that fails each command at once while Redis is down, instead of queueing it until the
 * caller's deadline: no offline queue, no per-request retries, reconnecting every 500 ms in
 * the background. Connection errors are left to the commands to report, not logged per retry.
 */
export function createFailFastRedis(url: string, options: FailFastRedisOptions = {}): Redis {
  const redis = new Redis(failFastRedisOptions(url, options));
  redis.on('error', () => undefined);
  redis.connect().catch(() => undefined);
  return redis;
}
