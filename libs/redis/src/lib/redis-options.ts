import type { ConnectionOptions } from 'node:tls';

export interface RedisConnectionOptions {
  host: string;
  port: number;
  username?: string;
  password?: string;
  db?: number;
  tls?: ConnectionOptions;
}

/** One node of a Redis Cluster that clients ask for the cluster's layout. */
export interface ClusterNode {
  host: string;
  port: number;
}

/**
 * Where the apps' Redis is. A single node: `url` alone. A Redis Cluster: `clusterNodes` (from
 * `REDIS_CLUSTER_NODES`), with `url` giving only the user, password and TLS (`rediss:`) every
 * node is reached with; its host and port are not used then.
 */
export interface RedisEndpoint {
  /** `redis[s]://[user:pass@]host:port[/db]`. */
  url: string;
  /** Seed nodes of a Redis Cluster; absent or empty: a single node. */
  clusterNodes?: readonly ClusterNode[];
}

/** A Redis URL (single node), or an endpoint that may be a Redis Cluster. */
export type RedisTarget = string | RedisEndpoint;

/** `host:port` pairs, comma-separated (spaces around commas allowed), as in `REDIS_CLUSTER_NODES`. */
export const CLUSTER_NODES_PATTERN = /^\s*[^\s,:]+:\d{1,5}\s*(,\s*[^\s,:]+:\d{1,5}\s*)*$/;

/** Parses `REDIS_CLUSTER_NODES` (`host:port,host:port,…`); an empty value means no cluster. */
export function parseClusterNodes(list: string | undefined): ClusterNode[] {
  if (!list || list.trim() === '') return [];
  if (!CLUSTER_NODES_PATTERN.test(list)) throw new Error('REDIS_CLUSTER_NODES must be a comma-separated list of host:port');
  return list.split(',').map((entry) => {
    const [host, port] = entry.trim().split(':');
    const number = Number(port);
    if (!Number.isInteger(number) || number < 1 || number > 65535) throw new Error(`REDIS_CLUSTER_NODES: ${entry.trim()} has no valid port`);
    return { host, port: number };
  });
}

/** The endpoint an app's configuration names: `REDIS_URL`, and the cluster's nodes when `REDIS_CLUSTER_NODES` is set. */
export function redisEndpointOf(config: { REDIS_URL: string; REDIS_CLUSTER_NODES?: string }): RedisEndpoint {
  const clusterNodes = parseClusterNodes(config.REDIS_CLUSTER_NODES);
  return clusterNodes.length > 0 ? { url: config.REDIS_URL, clusterNodes } : { url: config.REDIS_URL };
}

/** The endpoint of a target given as a URL or as an endpoint. */
export function endpointOf(target: RedisTarget): RedisEndpoint {
  return typeof target === 'string' ? { url: target } : target;
}

/** The target is a Redis Cluster. */
export function isClusterTarget(target: RedisTarget): boolean {
  return typeof target !== 'string' && (target.clusterNodes?.length ?? 0) > 0;
}

/** Parses `redis[s]://[user:pass@]host:port[/db]` into ioredis connection options. */
export function redisConnectionOptions(url: string): RedisConnectionOptions {
  const parsed = new URL(url);
  const db = parsed.pathname.replace(/^\//, '');
  return {
    host: parsed.hostname || '127.0.0.1',
    port: parsed.port ? Number(parsed.port) : 6379,
    ...(parsed.username ? { username: decodeURIComponent(parsed.username) } : {}),
    ...(parsed.password ? { password: decodeURIComponent(parsed.password) } : {}),
    ...(db ? { db: Number(db) } : {}),
    ...(parsed.protocol === 'rediss:' ? { tls: {} } : {}),
  };
}

/**
 * Options of the transport's Redis connections. Both sides reconnect forever with a short delay.
 * The calling side also fails commands at once while disconnected instead of queueing them, so
 * callers get a prompt "unavailable" rather than waiting out their deadline; the serving side
 * keeps ioredis' offline queue because it subscribes before the connection reports ready.
 *
 * Only for Nest's built-in pub/sub transport (`TRANSPORT=redis`), which knows no Redis Cluster.
 */
export function transportRedisOptions(target: RedisTarget, side: 'client' | 'server') {
  if (isClusterTarget(target)) throw new Error('TRANSPORT=redis cannot use a Redis Cluster (REDIS_CLUSTER_NODES): use TRANSPORT=streams');
  return {
    ...redisConnectionOptions(endpointOf(target).url),
    retryAttempts: Number.MAX_SAFE_INTEGER,
    retryDelay: 500,
    connectTimeout: 2000,
    ...(side === 'client' ? { enableOfflineQueue: false, maxRetriesPerRequest: 0 } : {}),
  };
}
