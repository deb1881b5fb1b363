// @ts-check
/**
 * `npm start`: the whole platform on local defaults. Reuses REDIS_URL / MONGODB_URI when given,
 * otherwise starts redis-server and mongod/FerretDB under .data/ (and, without SMTP_URL, the maildev
 * mail catcher on 127.0.0.1:1025, web UI on :1080), then every app; Ctrl-C stops
 * everything it started. On the redis-server it starts, each app gets a Redis user of its own
 * (tools/platform/redis-acl.cjs); a REDIS_URL given is passed to every app as it is.
 */
const fs = require('node:fs');
const path = require('node:path');
const { randomBytes } = require('node:crypto');
const { DATA_DIR, gatewayUrlFor, startApp, startMailCatcher, startMongo, startRedis } = require('./platform.cjs');
const { applyAcl, callGraph, generatePasswords, redisUrlFor, withoutCredentials } = require('./redis-acl.cjs');
/** @type {import('./redis-acl.cjs').ServiceEntry[]} */
const SERVICES = require('./services.json');

/**
 * The first admin: ADMIN_EMAIL / ADMIN_PASSWORD when given, else a local admin whose random
 * password is made once and kept in .data/admin.json (never in the repository).
 */
function adminCredentials(env) {
  if (env.ADMIN_EMAIL && env.ADMIN_PASSWORD) return { email: env.ADMIN_EMAIL, password: env.ADMIN_PASSWORD };
  const file = path.join(DATA_DIR, 'admin.json');
  if (!fs.existsSync(file)) {
    fs.mkdirSync(DATA_DIR, { recursive: true });
    const created = { email: 'admin@site11.local', password: randomBytes(18).toString('base64url') };
    fs.writeFileSync(file, JSON.stringify(created, null, 2), { mode: 0o600 });
  }
  return JSON.parse(fs.readFileSync(file, 'utf8'));
}

/**
 * Secrets made once and kept in .data/secrets.json (mode 0600, never in the repository): the
 * Redis passwords of the admin and of each app, the key-encryption key oauth seals its private
 * signing keys with, and the one users seals TOTP secrets with (keep them with .data/mongo: what
 * they sealed opens only with them).
 * @param {import('./redis-acl.cjs').CallGraph} graph
 * @returns {{ redis: Record<string, string>, KEY_ENCRYPTION_KEY: string, USERS_KEY_ENCRYPTION_KEY: string }}
 */
function localSecrets(graph) {
  const file = path.join(DATA_DIR, 'secrets.json');
  const stored = fs.existsSync(file) ? JSON.parse(fs.readFileSync(file, 'utf8')) : {};
  const secrets = {
    redis: generatePasswords(graph, stored.redis),
    KEY_ENCRYPTION_KEY: stored.KEY_ENCRYPTION_KEY ?? randomBytes(32).toString('base64'),
    USERS_KEY_ENCRYPTION_KEY: stored.USERS_KEY_ENCRYPTION_KEY ?? randomBytes(32).toString('base64'),
  };
  if (JSON.stringify(secrets) !== JSON.stringify(stored)) {
    fs.mkdirSync(DATA_DIR, { recursive: true });
    fs.writeFileSync(file, JSON.stringify(secrets, null, 2), { mode: 0o600 });
  }
  fs.chmodSync(file, 0o600);
  return secrets;
}

/** @type {{ name: string, stop: () => Promise<unknown> }[]} */
const started = [];
let stopping = false;

async function shutdown(code = 0) {
  if (stopping) return;
  stopping = true;
  process.stdout.write('\nStopping...\n');
  for (const proc of started.reverse()) await proc.stop().catch(() => undefined);
  process.exit(code);
}
process.on('SIGINT', () => void shutdown(0));
process.on('SIGTERM', () => void shutdown(0));

async function main() {
  const env = process.env;
  const graph = callGraph(SERVICES);
  const secrets = localSecrets(graph);
  let redisUrl = env.REDIS_URL;
  /** @type {(app: string) => string} */
  let redisUrlOf = () => /** @type {string} */ (redisUrl);
  if (!redisUrl) {
    const redis = await startRedis({ dir: path.join(DATA_DIR, 'redis') });
    started.push(redis);
    // ACLs live in memory: the users are applied at every start, with the passwords kept in .data
    await applyAcl({ url: redis.url, passwords: secrets.redis, graph, transport: env.TRANSPORT === 'redis' ? 'redis' : 'streams' });
    redisUrl = redis.url;
    redisUrlOf = (app) => redisUrlFor(redis.url, app, secrets.redis[app]);
  }
  let mongoUri = env.MONGODB_URI;
  if (!mongoUri) {
    const mongo = await startMongo({ dir: path.join(DATA_DIR, 'mongo') });
    started.push(mongo);
    mongoUri = mongo.uri;
  }
  // mail goes to a local catcher unless an SMTP server is given; every app gets the same SMTP_URL
  let mailUi = null;
  let smtpUrl = env.SMTP_URL;
  if (!smtpUrl) {
    const catcher = await startMailCatcher({
      dir: path.join(DATA_DIR, 'mail'),
      smtpPort: Number(env.MAILDEV_SMTP_PORT ?? 1025),
      webPort: Number(env.MAILDEV_WEB_PORT ?? 1080),
    });
    started.push(catcher);
    smtpUrl = catcher.smtpUrl;
    mailUi = `http://localhost:${catcher.webPort}/`;
  }
  const common = { NODE_ENV: env.NODE_ENV ?? 'development', SMTP_URL: smtpUrl };
  const admin = adminCredentials(env);

  /** Where Prometheus would scrape each app: services on their health port, the gateway on its own. */
  const scrapes = [];
  /** Where the gateway reaches a service's own HTTP listener (`gatewayUrlEnv`: the images service's bytes). */
  const serviceUrls = {};
  // every service of the platform, in order (users first: oauth needs it); generators add to it
  for (const service of SERVICES) {
    const healthPort = Number(env[`${service.name.toUpperCase().replace(/-/g, '_')}_HEALTH_PORT`] ?? service.healthPort);
    scrapes.push(`http://localhost:${healthPort}/metrics (${service.name})`);
    Object.assign(serviceUrls, gatewayUrlFor(service, healthPort));
    started.push(
      await startApp(service.name, {
        env: {
          ...common,
          REDIS_URL: redisUrlOf(service.name),
          MONGODB_URI: mongoUri,
          HEALTH_PORT: String(healthPort),
          ...(service.name === 'users'
            ? { ADMIN_EMAIL: admin.email, ADMIN_PASSWORD: admin.password, KEY_ENCRYPTION_KEY: env.USERS_KEY_ENCRYPTION_KEY ?? secrets.USERS_KEY_ENCRYPTION_KEY }
            : {}),
          ...(service.name === 'oauth' ? { KEY_ENCRYPTION_KEY: env.KEY_ENCRYPTION_KEY ?? secrets.KEY_ENCRYPTION_KEY } : {}),
        },
        healthPort,
        echo: true,
      }),
    );
  }
  const port = Number(env.PORT ?? 3000);
  const metricsPort = Number(env.METRICS_PORT ?? 9464);
  started.push(
    await startApp('console-gateway', {
      env: { ...common, ...serviceUrls, REDIS_URL: redisUrlOf('console-gateway'), PORT: String(port), METRICS_PORT: String(metricsPort) },
      healthPort: port,
      echo: true,
    }),
  );
  scrapes.unshift(`http://localhost:${metricsPort}/metrics (gateway)`);

  for (const proc of started) {
    void proc.exited.then(() => {
      if (!stopping) {
        process.stdout.write(`${proc.name} exited unexpectedly\n`);
        void shutdown(1);
      }
    });
  }
  process.stdout.write(
    [
      '',
      'site11 is up:',
      `  gateway   http://localhost:${port}/api/v1`,
      `  console   http://localhost:${port}/  (sign in as the admin below)`,
      `  API docs  http://localhost:${port}/api/docs`,
      `  health    http://localhost:${port}/health/ready`,
      `  metrics   ${scrapes.join(', ')}`,
      `  admin     ${admin.email} / ${env.ADMIN_PASSWORD ? '(ADMIN_PASSWORD)' : `${admin.password}  (from .data/admin.json)`}`,
      `  redis     ${withoutCredentials(redisUrl)}${env.REDIS_URL ? '' : '  (a user per app; passwords in .data/secrets.json)'}`,
      `  mongodb   ${mongoUri}`,
      `  mail      ${mailUi ? `${mailUi}  (local mail catcher: every message the apps send lands here)` : withoutCredentials(smtpUrl)}`,
      'Press Ctrl-C to stop.',
      '',
    ].join('\n'),
  );
}

main().catch((error) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  void shutdown(1);
});
