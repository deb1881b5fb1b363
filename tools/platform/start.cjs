// @ts-check
/**
 * `npm start`: the whole platform on local defaults. Reuses REDIS_URL / MONGODB_URI when given,
 * otherwise starts redis-server and mongod/FerretDB under .data/, then every app; Ctrl-C stops
 * everything it started.
 */
const fs = require('node:fs');
const path = require('node:path');
const { randomBytes } = require('node:crypto');
const { DATA_DIR, startApp, startMongo, startRedis } = require('./platform.cjs');
/** @type {{ name: string, healthPort: number, dbEnv: string }[]} */
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
  let redisUrl = env.REDIS_URL;
  if (!redisUrl) {
    const redis = await startRedis({ dir: path.join(DATA_DIR, 'redis') });
    started.push(redis);
    redisUrl = redis.url;
  }
  let mongoUri = env.MONGODB_URI;
  if (!mongoUri) {
    const mongo = await startMongo({ dir: path.join(DATA_DIR, 'mongo') });
    started.push(mongo);
    mongoUri = mongo.uri;
  }
  const common = { REDIS_URL: redisUrl, NODE_ENV: env.NODE_ENV ?? 'development' };
  const admin = adminCredentials(env);

  /** Where Prometheus would scrape each app: services on their health port, the gateway on its own. */
  const scrapes = [];
  // every service of the platform, in order (users first: oauth needs it); generators add to it
  for (const service of SERVICES) {
    const healthPort = Number(env[`${service.name.toUpperCase().replace(/-/g, '_')}_HEALTH_PORT`] ?? service.healthPort);
    scrapes.push(`http://localhost:${healthPort}/metrics (${service.name})`);
    started.push(
      await startApp(service.name, {
        env: {
          ...common,
          MONGODB_URI: mongoUri,
          HEALTH_PORT: String(healthPort),
          ...(service.name === 'users' ? { ADMIN_EMAIL: admin.email, ADMIN_PASSWORD: admin.password } : {}),
        },
        healthPort,
        echo: true,
      }),
    );
  }
  const port = Number(env.PORT ?? 3000);
  const metricsPort = Number(env.METRICS_PORT ?? 9464);
  started.push(
    await startApp('console-gateway', { env: { ...common, PORT: String(port), METRICS_PORT: String(metricsPort) }, healthPort: port, echo: true }),
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
      `  API docs  http://localhost:${port}/api/docs`,
      `  health    http://localhost:${port}/health/ready`,
      `  metrics   ${scrapes.join(', ')}`,
      `  admin     ${admin.email} / ${env.ADMIN_PASSWORD ? '(ADMIN_PASSWORD)' : `${admin.password}  (from .data/admin.json)`}`,
      `  redis     ${redisUrl}`,
      `  mongodb   ${mongoUri}`,
      'Press Ctrl-C to stop.',
      '',
    ].join('\n'),
  );
}

main().catch((error) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  void shutdown(1);
});
