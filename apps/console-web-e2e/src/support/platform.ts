import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import {
  applyAcl,
  callGraph,
  DATA_DIR,
  freePort,
  gatewayUrlFor,
  generatePasswords,
  type Launched,
  redisUrlFor,
  ROOT,
  startApp,
  startMailCatcher,
  startMongo,
  startRedis,
} from '../../../../tools/platform/platform.cjs';
import SERVICES from '../../../../tools/platform/services.json';
import { ADMIN, OUTPUT_DIR, type PlatformState, STATE_FILE } from './state';

type App = Launched & { healthPort: number; readyUrl: string };

/**
 * How long a registry entry lives without a heartbeat: short, so a killed instance shows as
 * `gone` on the dashboard within one of its refresh cycles (3 s).
 */
const REGISTRY_TTL_MS = '2000';

/**
 * The whole platform for the browser tests, in the Playwright runner process (global setup):
 * its own redis-server with a Redis user per app, FerretDB (or MONGODB_URI), users, oauth, the
 * services generated since (tools/platform/services.json), and the gateway serving the built
 * console. A small control server on 127.0.0.1 lets tests kill and restart the users service:
 * the processes stay children of the runner, so a worker restarted after a failure finds the
 * same platform, and global teardown stops every instance, restarted ones included.
 */
export class Platform {
  private usersInstance: App | null = null;
  /** The gateway's address, chosen before any app starts. */
  private publicUrl = '';
  private readonly stopped: App[] = [];
  private control: Server | null = null;
  private state: PlatformState | null = null;

  private constructor(
    private readonly id: string,
    private readonly workDir: string,
    private readonly logDir: string,
    private readonly mongo: (Launched & { uri: string }) | null,
    private readonly mongoUri: string,
    private readonly redis: Launched & { url: string },
    private readonly redisPasswords: Record<string, string>,
    private readonly mail: { smtpUrl: string; webUrl: string },
    private readonly started: { stop: () => Promise<unknown> }[],
  ) {}

  static async start(): Promise<Platform> {
    const id = randomBytes(4).toString('hex');
    mkdirSync(DATA_DIR, { recursive: true });
    // FerretDB's files: removed at teardown (E2E_KEEP keeps them)
    const workDir = mkdtempSync(join(DATA_DIR, 'console-web-e2e-'));
    // the apps' logs: kept with the other artifacts of the run
    const logDir = join(OUTPUT_DIR, 'logs');
    rmSync(logDir, { recursive: true, force: true });
    mkdirSync(logDir, { recursive: true });

    const started: { stop: () => Promise<unknown> }[] = [];
    try {
      const external = process.env['MONGODB_URI'];
      const mongo = external ? null : await startMongo({ dir: join(workDir, 'mongo') });
      if (mongo) started.push(mongo);
      const mongoUri = external ?? (mongo as { uri: string }).uri;

      const redis = await startRedis({ dir: join(workDir, 'redis') });
      started.push(redis);
      const graph = callGraph(SERVICES);
      const redisPasswords = generatePasswords(graph);
      await applyAcl({ url: redis.url, passwords: redisPasswords, graph, transport: process.env['TRANSPORT'] === 'redis' ? 'redis' : 'streams' });

      // what the apps send by mail lands in a catcher the tests read (PlatformClient.mailbox)
      const mail = await startMailCatcher({ logFile: join(logDir, 'maildev.log') });
      started.push(mail);

      const platform = new Platform(id, workDir, logDir, mongo, mongoUri, redis, redisPasswords, mail, started);
      // if the runner dies without its teardown, no process of the platform outlives it
      process.once('exit', () => platform.killAll());
      await platform.launchApps();
      return platform;
    } catch (error) {
      for (const proc of started.reverse()) await proc.stop().catch(() => undefined);
      if (!process.env['E2E_KEEP']) rmSync(workDir, { recursive: true, force: true });
      throw error;
    }
  }

  private redisUrlOf(app: string): string {
    return redisUrlFor(this.redis.url, app, this.redisPasswords[app]);
  }

  /** Test databases: the services refuse other names under NODE_ENV=test. */
  private dbName(service: string): string {
    return `${service.replace(/-/g, '_')}_test_console_web_e2e_${this.id}`;
  }

  private common(): Record<string, string> {
    return { NODE_ENV: 'test', LOG_LEVEL: 'warn', REGISTRY_TTL_MS, SMTP_URL: this.mail.smtpUrl, MAIL_FROM: 'site11 console e2e <no-reply@console-e2e.test>' };
  }

  private async launchApps(): Promise<void> {
    // the gateway's address: the OpenID Connect issuer oauth names, and where mailed links point (PUBLIC_URL)
    const gatewayPort = await freePort();
    const publicUrl = `http://localhost:${gatewayPort}`;
    this.publicUrl = publicUrl;
    this.usersInstance = await this.startUsers();
    this.started.push({ stop: () => this.stopUsers() });

    const oauthPort = await freePort();
    const oauth = await startApp('oauth', {
      env: {
        ...this.common(),
        REDIS_URL: this.redisUrlOf('oauth'),
        MONGODB_URI: this.mongoUri,
        OAUTH_DB_NAME: this.dbName('oauth'),
        HEALTH_PORT: String(oauthPort),
        KEY_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
        PUBLIC_URL: publicUrl,
      },
      healthPort: oauthPort,
      logFile: join(this.logDir, 'oauth.log'),
    });
    this.started.push(oauth);

    // services added by the generator, each on its own test database
    const serviceUrls: Record<string, string> = {};
    for (const service of SERVICES.filter((s) => s.name !== 'users' && s.name !== 'oauth')) {
      const port = await freePort();
      // where the gateway reaches the service's own HTTP listener (the images service's bytes)
      Object.assign(serviceUrls, gatewayUrlFor(service, port));
      this.started.push(
        await startApp(service.name, {
          env: {
            ...this.common(),
            REDIS_URL: this.redisUrlOf(service.name),
            MONGODB_URI: this.mongoUri,
            [service.dbEnv]: this.dbName(service.name),
            HEALTH_PORT: String(port),
          },
          healthPort: port,
          logFile: join(this.logDir, `${service.name}.log`),
        }),
      );
    }

    const gateway = await startApp('console-gateway', {
      env: {
        ...this.common(),
        REDIS_URL: this.redisUrlOf('console-gateway'),
        PORT: String(gatewayPort),
        HOST: '127.0.0.1',
        METRICS_PORT: String(await freePort()),
        METRICS_HOST: '127.0.0.1',
        CONSOLE_DIR: join(ROOT, 'dist/apps/console-web'),
        // one client address runs every test: the per-address limits would trip, not protect
        RATE_LIMIT_PER_IP: '10000',
        RATE_LIMIT_PER_ACCOUNT: '10000',
        PUBLIC_URL: publicUrl,
        ...serviceUrls,
      },
      healthPort: gatewayPort,
      logFile: join(this.logDir, 'console-gateway.log'),
    });
    this.started.push(gateway);

    const controlUrl = await this.startControl();
    this.state = {
      // `localhost`, not 127.0.0.1: the refresh cookie is Secure, which Chromium accepts on http://localhost only
      baseURL: `http://localhost:${gatewayPort}`,
      apiURL: `http://127.0.0.1:${gatewayPort}/api/v1`,
      controlUrl,
      admin: ADMIN,
      logDir: this.logDir,
      usersDbName: this.dbName('users'),
      mailUrl: this.mail.webUrl,
    };
    mkdirSync(OUTPUT_DIR, { recursive: true });
    writeFileSync(STATE_FILE, `${JSON.stringify(this.state, null, 2)}\n`);
  }

  get info(): PlatformState {
    if (!this.state) throw new Error('the platform has not started');
    return this.state;
  }

  private async startUsers(): Promise<App> {
    const port = await freePort();
    return startApp('users', {
      env: {
        ...this.common(),
        REDIS_URL: this.redisUrlOf('users'),
        MONGODB_URI: this.mongoUri,
        USERS_DB_NAME: this.dbName('users'),
        HEALTH_PORT: String(port),
        // what the dashboard shows in the instance's row
        INSTANCE_ID: `users-${port}`,
        ADMIN_EMAIL: ADMIN.email,
        ADMIN_PASSWORD: ADMIN.password,
        PUBLIC_URL: this.publicUrl,
      },
      healthPort: port,
      logFile: join(this.logDir, `users-${port}.log`),
    });
  }

  private usersView() {
    const users = this.usersInstance;
    const running = users !== null && users.child.exitCode === null && users.child.signalCode === null;
    return { running, pid: running ? (users.child.pid ?? null) : null, instanceId: running ? `users-${users.healthPort}` : null };
  }

  /** SIGKILL: no goodbye to the registry, the instance just stops heartbeating. */
  private async killUsers() {
    const users = this.usersInstance;
    if (!users) throw new Error('no users instance is running');
    const { pid, instanceId } = this.usersView();
    await users.stop('SIGKILL');
    this.stopped.push(users);
    this.usersInstance = null;
    return { pid, instanceId };
  }

  private async restartUsers() {
    if (this.usersView().running) return this.usersView();
    this.usersInstance = await this.startUsers();
    return this.usersView();
  }

  private async stopUsers(): Promise<void> {
    await this.usersInstance?.stop();
    for (const users of this.stopped) await users.stop('SIGKILL');
  }

  /** `POST /users/kill`, `POST /users/start`, `GET /users`: JSON answers. */
  private async startControl(): Promise<string> {
    const routes: Record<string, () => Promise<unknown>> = {
      'GET /users': async () => this.usersView(),
      'POST /users/kill': () => this.killUsers(),
      'POST /users/start': () => this.restartUsers(),
    };
    // one change at a time, whatever the tests send
    let queue: Promise<unknown> = Promise.resolve();
    const server = createServer((request, response) => {
      const route = routes[`${request.method} ${request.url}`];
      request.resume();
      if (!route) {
        response.writeHead(404, { 'content-type': 'application/json' }).end('{"error":"no such route"}');
        return;
      }
      const run = queue.then(route, route);
      queue = run.catch(() => undefined);
      run.then(
        (body) => response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body)),
        (error: unknown) =>
          response.writeHead(500, { 'content-type': 'application/json' }).end(JSON.stringify({ error: error instanceof Error ? error.message : String(error) })),
      );
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve());
    });
    this.control = server;
    const address = server.address();
    const port = typeof address === 'object' && address ? address.port : 0;
    return `http://127.0.0.1:${port}`;
  }

  /** Synchronous last resort, on the runner's exit. */
  private killAll(): void {
    const all = [...this.started, this.usersInstance, ...this.stopped] as ({ child?: { exitCode: number | null; signalCode: string | null; kill(signal: string): boolean } } | null)[];
    for (const proc of all) {
      const child = proc?.child;
      if (child && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    }
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => (this.control ? this.control.close(() => resolve()) : resolve()));
    this.control?.closeAllConnections();
    // the gateway first, the infrastructure last
    for (const proc of [...this.started].reverse()) {
      if (proc === this.redis || proc === this.mongo) continue;
      await proc.stop().catch(() => undefined);
    }
    if (!this.mongo) await this.dropDatabases().catch(() => undefined);
    await this.redis.stop().catch(() => undefined);
    await this.mongo?.stop().catch(() => undefined);
    if (!process.env['E2E_KEEP']) rmSync(this.workDir, { recursive: true, force: true });
  }

  /** With a MONGODB_URI of the caller's, the test databases are dropped (FerretDB's go with its files). */
  private async dropDatabases(): Promise<void> {
    const mongoose = (await import('mongoose')).default;
    for (const service of SERVICES) {
      const connection = await mongoose.createConnection(this.mongoUri, { dbName: this.dbName(service.name) }).asPromise();
      await connection.dropDatabase().catch(() => undefined);
      await connection.close();
    }
  }
}
