import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import Redis, { Cluster } from 'ioredis';
import mongoose, { type Connection } from 'mongoose';
import {
  ADMIN_USER,
  applyAcl,
  callGraph,
  freePort,
  gatewayUrlFor,
  generatePasswords,
  type Launched,
  Mailbox,
  redisUrlFor,
  startApp,
  startMailCatcher,
  startRedis,
  startRedisCluster,
} from '../../../../tools/platform/platform.cjs';
import SERVICES from '../../../../tools/platform/services.json';
import { DatabaseProxy } from './database-proxy';

type App = Launched & { healthPort: number; readyUrl: string };
type RedisCluster = Awaited<ReturnType<typeof startRedisCluster>>;

export interface StackOptions {
  /** Start a private redis-server even when REDIS_URL is given (for tests that stop it). */
  ownRedis?: boolean;
  /**
   * Start a private Redis Cluster of three masters instead (whatever REDIS_URL says), with the
   * admin and a user per app on every node, and give every app REDIS_CLUSTER_NODES.
   */
  redisCluster?: boolean;
  gatewayEnv?: Record<string, string>;
  usersEnv?: Record<string, string>;
  oauthEnv?: Record<string, string>;
  /** Environment of the services beyond users and oauth, by name (`{ images: { IMAGES_QUOTA_BYTES: '…' } }`). */
  servicesEnv?: Record<string, Record<string, string>>;
  /** Instances of the users service to start (default 1). */
  usersReplicas?: number;
  /** Services reach the database through a proxy the test can cut (`cutDatabase()`). */
  cuttableDatabase?: boolean;
  /** Every app's LOG_LEVEL (default `warn`); `debug` also logs what the transport retries quietly. */
  logLevel?: 'warn' | 'log' | 'debug';
}

export const ADMIN = { email: 'admin@e2e.test', password: 'e2e-admin-password' };

/** The sender of every message a stack's apps send (MAIL_FROM). */
export const E2E_MAIL_FROM = 'site11 e2e <no-reply@e2e.test>';

/** The key-encryption key oauth seals its private signing keys with, in every stack this test file starts. */
export const KEY_ENCRYPTION_KEY = randomBytes(32).toString('base64');
/** The users service's, for TOTP secrets. */
export const USERS_KEY_ENCRYPTION_KEY = randomBytes(32).toString('base64');

/**
 * A running platform for one test file: Redis (own, or REDIS_URL), the users service on a fresh
 * test database, and the gateway, as real processes built from dist/. `db` reads what the
 * service stored, straight from the database.
 */
export class Stack {
  readonly api: string;
  /** The gateway's public listener: the API, its docs, the health probes. */
  readonly gatewayUrl: string;
  /** The gateway's metrics listener, which only Prometheus should reach. */
  readonly gatewayMetricsUrl: string;
  /** Services beyond users and oauth (from tools/platform/services.json). */
  extraServices: App[] = [];
  /** How each generated service was started (environment, log file), to start it again. */
  private extraLaunches = new Map<string, { env: Record<string, string>; port: number; logFile: string }>();
  /** Redis passwords of the admin and each app, when this stack's own Redis has a user per app. */
  private redisPasswords: Record<string, string> | null = null;
  /** Between the services and the database, with `cuttableDatabase`. */
  private databaseProxy: DatabaseProxy | null = null;
  /** This stack's own Redis Cluster, with `redisCluster`. */
  redisCluster: RedisCluster | null = null;
  /**
   * What the apps of this stack sent by mail: each stack runs its own mail catcher (maildev), which
   * every app reaches through SMTP_URL. `await stack.mailbox.waitFor(email, { subject: /Reset/ })`.
   */
  mailbox!: Mailbox;
  private mailCatcher: Launched | null = null;

  private constructor(
    readonly redisUrl: string,
    private readonly redis: (Launched & { port: number; url: string }) | null,
    readonly mongoUri: string,
    readonly dbName: string,
    readonly db: Connection,
    readonly logDir: string,
    private readonly usersEnv: Record<string, string>,
    public usersReplicas: App[],
    public oauth: App,
    public gateway: App,
    readonly oauthDb: Connection,
    private readonly oauthEnv: Record<string, string>,
    gatewayMetricsPort: number,
  ) {
    this.gatewayUrl = `http://127.0.0.1:${gateway.healthPort}`;
    this.gatewayMetricsUrl = `http://127.0.0.1:${gatewayMetricsPort}`;
    this.api = `${this.gatewayUrl}/api/v1`;
  }

  /** Starts a stack; if any part fails to start, stops what did start and rethrows. */
  static async start(options: StackOptions = {}): Promise<Stack> {
    const started: { stop: () => Promise<unknown> }[] = [];
    try {
      return await Stack.launch(options, started);
    } catch (error) {
      for (const proc of started.reverse()) await proc.stop().catch(() => undefined);
      throw error;
    }
  }

  private static async launch(options: StackOptions, started: { stop: () => Promise<unknown> }[]): Promise<Stack> {
    const id = randomBytes(4).toString('hex');
    const logDir = join(process.env['E2E_DIR'] ?? '/tmp', `stack-${id}`);
    mkdirSync(logDir, { recursive: true });
    const mongoUri = process.env['E2E_MONGODB_URI'];
    if (!mongoUri) throw new Error('E2E_MONGODB_URI is not set: run through the e2e jest config');
    const databaseProxy = options.cuttableDatabase ? await DatabaseProxy.start(mongoUri) : null;
    if (databaseProxy) started.push(databaseProxy);
    // what the services connect to; the test's own connections (`db`, `serviceDb`) go direct
    const servicesMongoUri = databaseProxy?.uri ?? mongoUri;

    const cluster = options.redisCluster ? await startRedisCluster({ dir: join(logDir, 'redis-cluster') }) : null;
    if (cluster) started.push(cluster);
    const redis = !cluster && (options.ownRedis || !process.env['REDIS_URL']) ? await startRedis({ dir: join(logDir, 'redis') }) : null;
    if (redis) started.push(redis);
    // an own Redis gets one ACL user per app, as npm start and compose do (on every node of a
    // cluster: ACLs are per node); a shared REDIS_URL is used as given
    const redisPasswords = redis ? await Stack.applyRedisUsers(redis.url) : cluster ? await Stack.applyClusterUsers(cluster) : null;
    const ownRedisUrl = redis?.url ?? cluster?.url;
    const redisUrlOf = (user: string) =>
      ownRedisUrl && redisPasswords ? redisUrlFor(ownRedisUrl, user, redisPasswords[user]) : (process.env['REDIS_URL'] as string);
    // in a cluster, REDIS_URL gives the credentials and REDIS_CLUSTER_NODES the nodes
    const redisEnvOf = (user: string) => ({ REDIS_URL: redisUrlOf(user), ...(cluster ? { REDIS_CLUSTER_NODES: cluster.clusterNodes } : {}) });
    const redisUrl = redisUrlOf(ADMIN_USER);
    const dbName = `users_test_${id}`;
    const catcher = await startMailCatcher({ logFile: join(logDir, 'maildev.log') });
    started.push(catcher);
    const common = { NODE_ENV: 'test', LOG_LEVEL: options.logLevel ?? 'warn', SMTP_URL: catcher.smtpUrl, MAIL_FROM: E2E_MAIL_FROM };

    // the gateway's address: the issuer of third-party applications' tokens, which every app accepts (PUBLIC_URL)
    const gatewayPort = await freePort();
    const publicUrl = `http://127.0.0.1:${gatewayPort}`;
    const usersEnv = {
      ...common,
      PUBLIC_URL: publicUrl,
      ...redisEnvOf('users'),
      MONGODB_URI: servicesMongoUri,
      USERS_DB_NAME: dbName,
      HEALTH_PORT: String(await freePort()),
      ADMIN_EMAIL: ADMIN.email,
      ADMIN_PASSWORD: ADMIN.password,
      // users seals TOTP secrets with a key of its own
      KEY_ENCRYPTION_KEY: USERS_KEY_ENCRYPTION_KEY,
      ...options.usersEnv,
    };
    const usersReplicas: App[] = [];
    for (let i = 0; i < (options.usersReplicas ?? 1); i++) {
      usersReplicas.push(await Stack.startUsers(usersEnv, logDir));
      started.push(usersReplicas[usersReplicas.length - 1]);
    }
    const oauthDbName = `oauth_test_${id}`;
    const oauthEnv = {
      ...common,
      ...redisEnvOf('oauth'),
      MONGODB_URI: servicesMongoUri,
      OAUTH_DB_NAME: oauthDbName,
      HEALTH_PORT: String(await freePort()),
      KEY_ENCRYPTION_KEY,
      PUBLIC_URL: publicUrl,
      ...options.oauthEnv,
    };
    const oauth = await Stack.startOauth(oauthEnv, logDir);
    started.push(oauth);
    // services added by the generator: each on its own test database
    const extras: App[] = [];
    // where the gateway reaches a service's own HTTP listener (the images service's bytes)
    const serviceUrls: Record<string, string> = {};
    const launches = new Map<string, { env: Record<string, string>; port: number; logFile: string }>();
    for (const service of SERVICES.filter((s) => s.name !== 'users' && s.name !== 'oauth')) {
      const port = await freePort();
      Object.assign(serviceUrls, gatewayUrlFor(service, port));
      const launch = {
        env: {
          ...common,
          PUBLIC_URL: publicUrl,
          ...redisEnvOf(service.name),
          MONGODB_URI: servicesMongoUri,
          [service.dbEnv]: `${service.name.replace(/-/g, '_')}_test_${id}`,
          HEALTH_PORT: String(port),
          ...options.servicesEnv?.[service.name],
        },
        port,
        logFile: join(logDir, `${service.name}.log`),
      };
      launches.set(service.name, launch);
      extras.push(await startApp(service.name, { env: launch.env, healthPort: port, logFile: launch.logFile }));
      started.push(extras[extras.length - 1]);
    }
    const gatewayMetricsPort = await freePort();
    const gateway = await startApp('console-gateway', {
      env: {
        ...common,
        ...redisEnvOf('console-gateway'),
        PORT: String(gatewayPort),
        HOST: '127.0.0.1',
        METRICS_PORT: String(gatewayMetricsPort),
        METRICS_HOST: '127.0.0.1',
        RATE_LIMIT_PER_IP: '10000',
        RATE_LIMIT_PER_ACCOUNT: '10000',
        PUBLIC_URL: publicUrl,
        ...serviceUrls,
        ...options.gatewayEnv,
      },
      healthPort: gatewayPort,
      logFile: join(logDir, 'console-gateway.log'),
    });
    started.push(gateway);
    const db = await mongoose.createConnection(mongoUri, { dbName }).asPromise();
    const oauthDb = await mongoose.createConnection(mongoUri, { dbName: oauthDbName }).asPromise();
    const metricsPort = Number(options.gatewayEnv?.['METRICS_PORT'] ?? gatewayMetricsPort);
    const stack = new Stack(redisUrl, redis, mongoUri, dbName, db, logDir, usersEnv, usersReplicas, oauth, gateway, oauthDb, oauthEnv, metricsPort);
    stack.extraServices = extras;
    stack.extraLaunches = launches;
    stack.redisPasswords = redisPasswords;
    stack.databaseProxy = databaseProxy;
    stack.redisCluster = cluster;
    stack.mailCatcher = catcher;
    stack.mailbox = new Mailbox(catcher.webUrl);
    return stack;
  }

  /** Creates the admin and a user per app on a fresh Redis (tools/platform/redis-acl.cjs); returns their passwords. */
  private static async applyRedisUsers(url: string, passwords?: Record<string, string>): Promise<Record<string, string>> {
    const graph = callGraph(SERVICES);
    const chosen = passwords ?? generatePasswords(graph);
    await applyAcl({ url, passwords: chosen, graph, transport: process.env['TRANSPORT'] === 'redis' ? 'redis' : 'streams' });
    return chosen;
  }

  /** The same users, with the same passwords, on every node of a cluster: ACL SETUSER acts on one node only. */
  private static async applyClusterUsers(cluster: RedisCluster): Promise<Record<string, string>> {
    let passwords: Record<string, string> | undefined;
    for (const node of cluster.nodes) passwords = await Stack.applyRedisUsers(node.url, passwords);
    return passwords as Record<string, string>;
  }

  /** Opens the database of a generated service in this stack. */
  async serviceDb(service: string): Promise<Connection> {
    const id = this.dbName.replace(/^users_test_/, '');
    return mongoose.createConnection(this.mongoUri, { dbName: `${service.replace(/-/g, '_')}_test_${id}` }).asPromise();
  }

  /** Each replica gets its own health port and instance id, like a pod. */
  private static async startUsers(env: Record<string, string>, logDir: string): Promise<App> {
    const port = await freePort();
    return startApp('users', {
      env: { ...env, HEALTH_PORT: String(port), INSTANCE_ID: `replica-${port}` },
      healthPort: port,
      logFile: join(logDir, `users-${port}.log`),
    });
  }

  private static startOauth(env: Record<string, string>, logDir: string): Promise<App> {
    return startApp('oauth', { env, healthPort: Number(env['HEALTH_PORT']), logFile: join(logDir, 'oauth.log') });
  }

  /** The environment users replicas of this stack start with. */
  get usersEnvironment(): Record<string, string> {
    return { ...this.usersEnv };
  }

  /** The first users replica. */
  get users(): App {
    return this.usersReplicas[0];
  }

  get usersHealthUrl(): string {
    return `http://127.0.0.1:${this.users.healthPort}`;
  }

  /**
   * Stops a generated service (by `signal`: SIGKILL for a crash) and starts it again on the same
   * port, with `env` added to its environment.
   */
  async restartService(name: string, signal: NodeJS.Signals = 'SIGTERM', env: Record<string, string> = {}): Promise<void> {
    const launch = this.extraLaunches.get(name);
    const index = this.extraServices.findIndex((app) => app.name === name);
    if (!launch || index < 0) throw new Error(`${name} is not a generated service of this stack`);
    await this.extraServices[index].stop(signal);
    Object.assign(launch.env, env);
    this.extraServices[index] = await startApp(name, { env: launch.env, healthPort: launch.port, logFile: launch.logFile });
  }

  /** Starts one more instance of a generated service (same database and Redis user, its own port and log). */
  async addServiceReplica(name: string, env: Record<string, string> = {}): Promise<App> {
    const launch = this.extraLaunches.get(name);
    if (!launch) throw new Error(`${name} is not a generated service of this stack`);
    const port = await freePort();
    const replica = await startApp(name, {
      env: { ...launch.env, HEALTH_PORT: String(port), ...env },
      healthPort: port,
      logFile: launch.logFile.replace(/\.log$/, `-${port}.log`),
    });
    this.extraServices.push(replica);
    return replica;
  }

  async restartUsers(): Promise<void> {
    await this.users.stop();
    this.usersReplicas[0] = await Stack.startUsers(this.usersEnv, this.logDir);
  }

  async startUsersAgain(): Promise<void> {
    this.usersReplicas[0] = await Stack.startUsers(this.usersEnv, this.logDir);
  }

  async addUsersReplica(extraEnv: Record<string, string> = {}): Promise<App> {
    const replica = await Stack.startUsers({ ...this.usersEnv, ...extraEnv }, this.logDir);
    this.usersReplicas.push(replica);
    return replica;
  }

  /** Restarts oauth; `env` changes its environment from now on (an empty value unsets a variable). */
  async restartOauth(beforeStart: () => Promise<void> = async () => undefined, env: Record<string, string> = {}): Promise<void> {
    await this.oauth.stop();
    await beforeStart();
    Object.assign(this.oauthEnv, env);
    this.oauth = await Stack.startOauth(this.oauthEnv, this.logDir);
  }

  /** Stops the private Redis; returns a function that starts it again on the same port. */
  async stopRedis(): Promise<() => Promise<void>> {
    const redis = this.redis;
    if (!redis) throw new Error('this stack uses a shared Redis or a cluster; start it with { ownRedis: true }');
    await redis.stop('SIGKILL');
    return async () => {
      const restarted = await startRedis({ dir: join(this.logDir, 'redis'), port: redis.port });
      // ACLs live in memory: the apps reconnect with their users once they are back
      if (this.redisPasswords) await Stack.applyRedisUsers(restarted.url, this.redisPasswords);
      Object.assign(redis, restarted);
    };
  }

  /**
   * Takes the database away from every service of the stack (open connections drop, new ones are
   * refused); returns a function that gives it back. Needs `{ cuttableDatabase: true }`.
   */
  async cutDatabase(): Promise<() => Promise<void>> {
    if (!this.databaseProxy) throw new Error('start the stack with { cuttableDatabase: true } to cut its database');
    return this.databaseProxy.cut();
  }

  /** Registers a new user through the gateway and signs them in: their id, email and access token. */
  async signUp(prefix = 'user'): Promise<{ id: string; email: string; accessToken: string }> {
    const email = `${prefix}-${randomBytes(6).toString('hex')}@example.com`;
    const password = 'a fine password';
    const registered = await call<{ id: string }>(`${this.api}/auth/register`, { method: 'POST', json: { email, name: 'Someone', password } });
    if (registered.status !== 201) throw new Error(`registration of ${email} failed: ${registered.status} ${JSON.stringify(registered.body)}`);
    return { id: registered.body.id, email, accessToken: (await this.login(email, password)).accessToken };
  }

  /** Logs in through the gateway and returns the access token (and the rest of the pair). */
  async login(email: string, password: string): Promise<{ accessToken: string; refreshToken: string }> {
    const response = await call<{ accessToken: string; refreshToken: string }>(`${this.api}/auth/login`, {
      method: 'POST',
      json: { email, password },
    });
    if (response.status !== 200) throw new Error(`login of ${email} failed: ${response.status} ${JSON.stringify(response.body)}`);
    return response.body;
  }

  /**
   * The Redis URL an app of this stack connects with: its own ACL user when the stack started its
   * own Redis, else the shared REDIS_URL. `redisUrl` is the admin's, for tests that inspect streams.
   */
  redisUrlOf(app: string): string {
    const ownUrl = this.redis?.url ?? this.redisCluster?.url;
    if (!ownUrl || !this.redisPasswords) return this.redisUrl;
    const password = this.redisPasswords[app];
    if (!password) throw new Error(`This stack's Redis has no user "${app}"`);
    return redisUrlFor(ownUrl, app, password);
  }

  /**
   * A connection to this stack's Redis as `user` (the admin by default): a cluster client when
   * the stack runs a Redis Cluster, so a test reads any key wherever its slot lives.
   */
  redisClient(user: string = ADMIN_USER): Redis | Cluster {
    const url = new URL(this.redisUrlOf(user));
    const credentials = { username: decodeURIComponent(url.username) || undefined, password: decodeURIComponent(url.password) || undefined };
    if (!this.redisCluster) return new Redis(url.toString());
    return new Cluster(
      this.redisCluster.nodes.map((node) => ({ host: '127.0.0.1', port: node.port })),
      { scaleReads: 'master', redisOptions: credentials },
    );
  }

  async adminToken(): Promise<string> {
    return (await this.login(ADMIN.email, ADMIN.password)).accessToken;
  }

  async stop(): Promise<void> {
    await this.gateway.stop();
    for (const service of this.extraServices) await service.stop();
    await this.oauth.stop();
    for (const replica of this.usersReplicas) await replica.stop();
    for (const db of [this.db, this.oauthDb]) {
      await db.dropDatabase().catch(() => undefined);
      await db.close();
    }
    await this.redis?.stop();
    await this.redisCluster?.stop();
    await this.databaseProxy?.stop();
    await this.mailCatcher?.stop();
  }
}

export interface ApiResponse<T = Record<string, unknown>> {
  status: number;
  headers: Headers;
  body: T;
  ms: number;
}

/** A small fetch wrapper: JSON in, JSON out, timing included. */
export async function call<T = Record<string, unknown>>(
  url: string,
  init: { method?: string; json?: unknown; body?: string | Buffer; headers?: Record<string, string>; token?: string } = {},
): Promise<ApiResponse<T>> {
  const started = performance.now();
  const headers: Record<string, string> = { ...(init.token ? { authorization: `Bearer ${init.token}` } : {}), ...init.headers };
  let body = init.body;
  if (init.json !== undefined) {
    headers['content-type'] = 'application/json';
    body = JSON.stringify(init.json);
  }
  const response = await fetch(url, { method: init.method ?? 'GET', headers, body });
  const text = await response.text();
  const ms = performance.now() - started;
  return { status: response.status, headers: response.headers, body: (text ? JSON.parse(text) : undefined) as T, ms };
}
