import type { ChildProcess } from 'node:child_process';

export * from './redis-acl.cjs';
export * from './mailbox.cjs';

export interface Launched {
  name: string;
  child: ChildProcess;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  stop(signal?: NodeJS.Signals, graceMs?: number): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

export const ROOT: string;
export const DATA_DIR: string;
/** A free port on 127.0.0.1 that this process has not handed out before (the kernel readily offers a just-closed port again). */
export function freePort(): Promise<number>;
export function waitFor(
  probe: () => Promise<boolean>,
  options: { what: string; timeoutMs?: number; intervalMs?: number; child?: ChildProcess },
): Promise<void>;
export function httpStatus(url: string): Promise<number>;
export function launch(
  name: string,
  command: string,
  args: string[],
  options?: { env?: NodeJS.ProcessEnv; cwd?: string; logFile?: string; echo?: boolean },
): Launched;
export function startRedis(options: { dir: string; port?: number; echo?: boolean }): Promise<Launched & { port: number; url: string }>;
export interface RedisClusterNode extends Launched {
  port: number;
  url: string;
}
/** A local Redis Cluster of `masters` (default 3) masters, ready (`cluster_state:ok` on every node). */
export function startRedisCluster(options: { dir: string; masters?: number; echo?: boolean }): Promise<{
  nodes: RedisClusterNode[];
  /** `host:port,…` for REDIS_CLUSTER_NODES. */
  clusterNodes: string;
  /** The first node's URL (no credentials). */
  url: string;
  stop(signal?: NodeJS.Signals): Promise<void>;
}>;
export function startMongo(options: {
  dir: string;
  port?: number;
  echo?: boolean;
  /** FerretDB even where mongod is installed. */
  ferretdb?: boolean;
}): Promise<Launched & { port: number; uri: string; engine: 'mongod' | 'ferretdb' }>;
/** A local mail catcher (maildev 3): SMTP and its web UI / REST API on 127.0.0.1, free ports unless given. */
export function startMailCatcher(options?: {
  /** Keep messages there (.eml files); in memory without it. */
  dir?: string;
  smtpPort?: number;
  webPort?: number;
  logFile?: string;
  echo?: boolean;
}): Promise<Launched & { smtpPort: number; webPort: number; smtpUrl: string; webUrl: string }>;
export function startApp(
  name: string,
  options: { env: Record<string, string>; healthPort: number; logFile?: string; echo?: boolean; timeoutMs?: number; nodeArgs?: string[] },
): Promise<Launched & { healthPort: number; readyUrl: string }>;
export function ensureFerretDB(): string;
/** The gateway's environment for reaching a service's own HTTP listener (`gatewayUrlEnv` in services.json) on `port`. */
export function gatewayUrlFor(service: { gatewayUrlEnv?: string }, port: number): Record<string, string>;
