import type { ConnectionOptions } from 'node:tls';

export interface RedisConnectionOptions {
  host: string;
  port: number;
  username?: string;
  password?: string;
  db?: number;
  tls?: ConnectionOptions;
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
 */
export function transportRedisOptions(url: string, side: 'client' | 'server') {
  return {
    ...redisConnectionOptions(url),
    retryAttempts: Number.MAX_SAFE_INTEGER,
    retryDelay: 500,
    connectTimeout: 2000,
    ...(side === 'client' ? { enableOfflineQueue: false, maxRetriesPerRequest: 0 } : {}),
  };
}
