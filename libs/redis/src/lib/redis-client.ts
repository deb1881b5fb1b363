import Redis, { Cluster, type ClusterOptions, type RedisOptions } from 'ioredis';
import { type ClusterNode, endpointOf, redisConnectionOptions, type RedisTarget } from './redis-options';

/**
 * A connection to the apps' Redis: one node (`Redis`) or a Redis Cluster (`Cluster`, when the
 * endpoint names cluster nodes). Both take the same commands; in a cluster, the keys of one
 * command, script, `MULTI` or pipeline must share a hash slot (docs/messaging.md, Redis Cluster).
 */
export type RedisClient = Redis | Cluster;

export interface RedisClientOptions {
  /** Shown in `CLIENT LIST`, e.g. `users-1:writer`. */
  connectionName?: string;
  /** How long one connection attempt may take (ms); ioredis' default (10 s) when not given. */
  connectTimeoutMs?: number;
  /**
   * Fail each command at once while disconnected, instead of queueing it until the connection
   * is back: no offline queue, no retries per request. Otherwise commands wait for the
   * connection (a server's writer and blocking readers, a subscriber).
   */
  failFast?: boolean;
  /** Commands issued in the same tick leave in one socket write (per node, in a cluster). */
  autoPipelining?: boolean;
  /** Connect only when `connect()` is called (or, queueing, at the first command). */
  lazyConnect?: boolean;
}

/** Delay between reconnection attempts, forever (ms). */
const RECONNECT_MS = 500;

/** ioredis options of one node (not a cluster), for these connection options. */
export function singleNodeOptions(url: string, options: RedisClientOptions = {}): RedisOptions {
  return {
    ...redisConnectionOptions(url),
    ...(options.connectionName ? { connectionName: options.connectionName } : {}),
    ...(options.connectTimeoutMs ? { connectTimeout: options.connectTimeoutMs } : {}),
    ...(options.lazyConnect ? { lazyConnect: true } : {}),
    retryStrategy: () => RECONNECT_MS,
    ...(options.failFast ? { enableOfflineQueue: false, maxRetriesPerRequest: 0 } : { maxRetriesPerRequest: null }),
    enableAutoPipelining: options.autoPipelining ?? false,
  };
}

/**
 * ioredis Cluster options: every command goes to the master of its slot (`scaleReads: 'master'`:
 * no read sees a replica lagging behind a write), credentials and TLS from the endpoint's URL on
 * every node, reconnecting forever like a single node.
 */
export function clusterOptions(url: string, options: RedisClientOptions = {}): ClusterOptions {
  const { username, password, tls, db } = redisConnectionOptions(url);
  if (db) throw new Error('A Redis Cluster has database 0 only: REDIS_URL must name no database with REDIS_CLUSTER_NODES');
  return {
    scaleReads: 'master',
    lazyConnect: options.lazyConnect ?? false,
    enableOfflineQueue: !options.failFast,
    enableAutoPipelining: options.autoPipelining ?? false,
    clusterRetryStrategy: () => RECONNECT_MS,
    // a node that restarted with the same slots is reconnected, not only at the next MOVED
    clusterNodeRetryStrategy: () => RECONNECT_MS,
    slotsRefreshTimeout: 2000,
    // TLS certificates name hosts, not the addresses the cluster announces
    ...(tls ? { dnsLookup: (address: string, callback: (error: null, address: string) => void) => callback(null, address) } : {}),
    redisOptions: {
      ...(username ? { username } : {}),
      ...(password ? { password } : {}),
      ...(tls ? { tls } : {}),
      ...(options.connectionName ? { connectionName: options.connectionName } : {}),
      ...(options.connectTimeoutMs ? { connectTimeout: options.connectTimeoutMs } : {}),
      maxRetriesPerRequest: options.failFast ? 0 : null,
    },
  };
}

/**
 * The one place a Redis connection of the apps is made: a `Cluster` when the target names cluster
 * nodes (`REDIS_CLUSTER_NODES`), else one node from the URL. Errors are left to the caller to
 * listen to.
 */
export function createRedisClient(target: RedisTarget, options: RedisClientOptions = {}): RedisClient {
  const { url, clusterNodes } = endpointOf(target);
  if (clusterNodes && clusterNodes.length > 0) {
    return new Cluster(clusterNodes.map((node: ClusterNode) => ({ host: node.host, port: node.port })), clusterOptions(url, options));
  }
  return new Redis(singleNodeOptions(url, options));
}
