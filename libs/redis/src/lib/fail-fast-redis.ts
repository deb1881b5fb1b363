import type { RedisOptions } from 'ioredis';
import { createRedisClient, type RedisClient, type RedisClientOptions, singleNodeOptions } from './redis-client';
import type { RedisTarget } from './redis-options';

export interface FailFastRedisOptions {
  /** Shown in `CLIENT LIST`, e.g. `users-1:registry`. */
  connectionName?: string;
  /** How long one connection attempt may take (ms). */
  connectTimeoutMs?: number;
}

/** What a fail-fast connection is (see `createFailFastRedis`), connecting when asked (`lazyConnect`). */
function failFastClientOptions(options: FailFastRedisOptions): RedisClientOptions {
  return {
    ...(options.connectionName ? { connectionName: options.connectionName } : {}),
    connectTimeoutMs: options.connectTimeoutMs ?? 2000,
    lazyConnect: true,
    failFast: true,
    // commands issued in the same tick (a request's denylist checks, concurrent requests) leave
    // in one socket write: fewer syscalls per request (docs/performance.md)
    autoPipelining: true,
  };
}

/** ioredis options of a fail-fast connection to one node (see `createFailFastRedis`), connecting when asked (`lazyConnect`). */
export function failFastRedisOptions(url: string, options: FailFastRedisOptions = {}): RedisOptions {
  return singleNodeOptions(url, failFastClientOptions(options));
}

/**
 * A Redis connection for application state (denylists, rate limits, registry, health probes)
 * that fails each command at once while Redis is down, instead of queueing it until the
 * caller's deadline: no offline queue, no per-request retries, reconnecting every 500 ms in
 * the background. Connection errors are left to the commands to report, not logged per retry.
 * A Redis Cluster when the target names cluster nodes.
 */
export function createFailFastRedis(target: RedisTarget, options: FailFastRedisOptions = {}): RedisClient {
  const redis = createRedisClient(target, failFastClientOptions(options));
  redis.on('error', () => undefined);
  redis.connect().catch(() => undefined);
  return redis;
}
