// @ts-check
/**
 * CPU time per request in each process, against a bare Fastify app answering a small JSON body
 * (the floor) and a bare Nest-on-Fastify app with the same route, measured in the same run.
 *
 * Each path gets `requests` requests at concurrency `connections` after a warm-up; each process's
 * user + system time is read from /proc/<pid>/stat before and after. Paths are measured in
 * interleaved rounds (every path once per round), and each figure is the median over rounds, so
 * a slow moment of this shared machine moves one round, not one path.
 *
 * Used by bench/run.cjs (both modes); `node bench/cpu.cjs` runs it alone on a fresh platform
 * (build first: `npm run bench:quick` does, or `npx nx run-many -t build --projects=tag:type:app
 * && npx tsc -p bench/tsconfig.json`).
 */
const autocannon = require('autocannon');
const path = require('node:path');
const { ROOT, freePort, launch, waitFor, httpStatus } = require('../tools/platform/platform.cjs');
const { cpuMsOf, usersServiceEnv } = require('./support.cjs');
const { openLoopApart } = require('./open-loop.cjs');

/** @typedef {import('./support.cjs').Proc} Proc */
/**
 * @typedef {{ name: string, url: string, headers?: Record<string, string>, processes: Proc[], database?: Proc[], scale?: number }} CpuPath
 * `processes` are the platform's own (their sum is the path's figure); `database` is shown apart;
 * `scale` multiplies the request count, so cheap paths (the floors) run long enough for the
 * 10-ms resolution of /proc's CPU times.
 */

const median = (/** @type {number[]} */ values) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
};
const round3 = (/** @type {number} */ n) => Math.round(n * 1000) / 1000;

/** Sends `amount` requests at `connections` concurrency; resolves with the failures seen. */
async function drive(url, headers, amount, connections) {
  const result = await autocannon({ url, headers, amount, connections, timeout: 10 });
  return { errors: result.errors + result.timeouts, non2xx: result.non2xx };
}

/**
 * Measures every path in `rounds` interleaved rounds.
 * @param {CpuPath[]} paths
 * @param {{ rounds?: number, requests?: number, connections?: number, warmup?: number, log?: (line: string) => void }} [options]
 */
async function measureCpu(paths, { rounds = 3, requests = 4000, connections = 16, warmup = 1000, log = () => undefined } = {}) {
  /** @type {Map<string, Map<string, number[]>>} path → process → ms per request, one per round */
  const samples = new Map(paths.map((p) => [p.name, new Map()]));
  const failures = new Map(paths.map((p) => [p.name, 0]));
  for (const p of paths) await drive(p.url, p.headers, warmup, connections);
  for (let round = 0; round < rounds; round++) {
    for (const p of paths) {
      const watched = [...p.processes, ...(p.database ?? [])];
      const before = watched.map((proc) => cpuMsOf(proc.child.pid));
      const count = requests * (p.scale ?? 1);
      const { errors, non2xx } = await drive(p.url, p.headers, count, connections);
      const after = watched.map((proc) => cpuMsOf(proc.child.pid));
      failures.set(p.name, (failures.get(p.name) ?? 0) + errors + non2xx);
      const perProcess = /** @type {Map<string, number[]>} */ (samples.get(p.name));
      watched.forEach((proc, i) => perProcess.set(proc.name, [...(perProcess.get(proc.name) ?? []), (after[i] - before[i]) / count]));
      const own = p.processes.reduce((sum, proc, i) => sum + (after[i] - before[i]) / count, 0);
      perProcess.set('platform', [...(perProcess.get('platform') ?? []), own]);
      log(`  round ${round + 1} ${p.name}: ${round3(own)} ms CPU per request${errors + non2xx ? `, ${errors + non2xx} failed` : ''}`);
    }
  }
  return paths.map((p) => {
    const perProcess = /** @type {Map<string, number[]>} */ (samples.get(p.name));
    return {
      name: p.name,
      /** median over rounds of the platform's processes' summed CPU, ms per request */
      cpuMs: round3(median(/** @type {number[]} */ (perProcess.get('platform')))),
      processes: Object.fromEntries(p.processes.map((proc) => [proc.name, round3(median(/** @type {number[]} */ (perProcess.get(proc.name))))])),
      database: Object.fromEntries((p.database ?? []).map((proc) => [proc.name, round3(median(/** @type {number[]} */ (perProcess.get(proc.name))))])),
      failed: failures.get(p.name) ?? 0,
    };
  });
}

/**
 * Starts the two floors: bare Fastify (`bench/floors/fastify.cjs`) and bare Nest on Fastify (the
 * baseline app's `/health/live`, `dist/bench/baseline/main.js`).
 * @param {{ mongoUri: string, usersDb: string, logDir: string }} options
 */
async function startFloors({ mongoUri, usersDb, redisUrl, logDir }) {
  const fastifyPort = await freePort();
  const fastify = launch('fastify', process.execPath, [path.join(ROOT, 'bench/floors/fastify.cjs')], {
    env: { ...process.env, PORT: String(fastifyPort) },
    logFile: path.join(logDir, 'fastify.log'),
  });
  const nestPort = await freePort();
  const nest = launch('nest', process.execPath, [path.join(ROOT, 'dist/bench/baseline/main.js')], {
    env: { ...process.env, MONGODB_URI: mongoUri, USERS_DB_NAME: usersDb, PORT: String(nestPort) },
    logFile: path.join(logDir, 'nest.log'),
  });
  // the routed floor: a bare Nest app asking a bare Nest microservice over the built-in Redis transport
  const routedPort = await freePort();
  const routedScript = path.join(ROOT, 'dist/bench/baseline/routed.js');
  const routedService = launch('nest-service', process.execPath, [routedScript], { env: { ...process.env, ROLE: 'service', REDIS_URL: redisUrl }, logFile: path.join(logDir, 'nest-service.log') });
  const routedGateway = launch('nest-gateway', process.execPath, [routedScript], { env: { ...process.env, ROLE: 'gateway', REDIS_URL: redisUrl, PORT: String(routedPort) }, logFile: path.join(logDir, 'nest-gateway.log') });
  const fastifyUrl = `http://127.0.0.1:${fastifyPort}/health/live`;
  const nestUrl = `http://127.0.0.1:${nestPort}/health/live`;
  const routedUrl = `http://127.0.0.1:${routedPort}/echo/bench`;
  await waitFor(async () => (await httpStatus(fastifyUrl)) === 200 && (await httpStatus(nestUrl)) === 200 && (await httpStatus(routedUrl)) === 200, { what: 'floors' });
  return { fastify, nest, routedGateway, routedService, fastifyUrl, nestUrl, routedUrl, baselineUrl: `http://127.0.0.1:${nestPort}` };
}

/** Markdown table of `measureCpu`'s results, with each path's ratio to the first (the floor). */
function cpuTable(results) {
  const floor = results[0].cpuMs;
  const names = [...new Set(results.flatMap((r) => [...Object.keys(r.processes), ...Object.keys(r.database)]))];
  const cell = (r, name) => (name in r.processes ? String(r.processes[name]) : name in r.database ? `(${r.database[name]})` : '');
  return [
    `| path | ${names.join(' | ')} | platform CPU ms/request | × floor | failed |`,
    `|---|${names.map(() => '---:').join('|')}|---:|---:|---:|`,
    ...results.map((r) => `| ${r.name} | ${names.map((n) => cell(r, n)).join(' | ')} | ${r.cpuMs} | ${Math.round((r.cpuMs / floor) * 10) / 10} | ${r.failed} |`),
    '',
    'CPU ms per request in each process, median of interleaved rounds; the database server in parentheses, not counted in the platform figure.',
  ];
}

/** The name of the routed floor's path in the CPU tables. */
const ROUTED_FLOOR = 'bare Nest → Nest microservice over Redis (routed floor)';
/** The direct baseline's read: one Nest app reading the user with mongoose, no gateway, no broker, no token. */
const DIRECT_READ = 'direct baseline /users/:id (Nest + mongoose, one process)';

module.exports = { cpuTable, measureCpu, startFloors, ROUTED_FLOOR, DIRECT_READ };

if (require.main === module) {
  // Standalone: a fresh Redis, FerretDB, users, oauth and gateway, then the CPU table.
  const { DATA_DIR, startApp, startMongo, startRedis } = require('../tools/platform/platform.cjs');
  const fs = require('node:fs');
  /** @type {Proc[]} */
  const processes = [];
  const rounds = Number(process.argv[process.argv.indexOf('--rounds') + 1]) || 3;
  // `--only <regex>`: measure only the matching paths (the floor always), e.g. while profiling one
  const only = process.argv.includes('--only') ? new RegExp(process.argv[process.argv.indexOf('--only') + 1]) : null;
  (async () => {
    const dir = path.join(DATA_DIR, 'bench-cpu');
    fs.rmSync(dir, { recursive: true, force: true });
    fs.mkdirSync(dir, { recursive: true });
    const redis = await startRedis({ dir: path.join(dir, 'redis') });
    const mongo = await startMongo({ dir: path.join(dir, 'mongo') });
    processes.push(redis, mongo);
    const admin = { email: 'cpu-admin@bench.test', password: 'cpu-admin-password' };
    const env = { NODE_ENV: 'production', LOG_LEVEL: 'warn', REDIS_URL: redis.url, MONGODB_URI: mongo.uri, RATE_LIMIT_PER_IP: '1000000', RATE_LIMIT_PER_ACCOUNT: '1000000' };
    const nodeArgs = [...(process.env.CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${path.join(dir, 'profiles')}`] : []), ...(process.env.BENCH_NODE_ARGS ?? '').split(' ').filter(Boolean)];
    const usersExtra = await usersServiceEnv(processes, dir);
    const usersPort = await freePort();
    const users = await startApp('users', { env: { ...env, ...usersExtra, USERS_DB_NAME: 'users_cpu', HEALTH_PORT: String(usersPort), ADMIN_EMAIL: admin.email, ADMIN_PASSWORD: admin.password }, healthPort: usersPort, logFile: path.join(dir, 'users.log'), nodeArgs });
    const oauthPort = await freePort();
    const oauth = await startApp('oauth', { env: { ...env, OAUTH_DB_NAME: 'oauth_cpu', HEALTH_PORT: String(oauthPort), KEY_ENCRYPTION_KEY: require('node:crypto').randomBytes(32).toString('base64') }, healthPort: oauthPort, logFile: path.join(dir, 'oauth.log') });
    const gatewayPort = await freePort();
    const gateway = await startApp('console-gateway', { env: { ...env, PORT: String(gatewayPort), HOST: '127.0.0.1', METRICS_PORT: String(await freePort()), METRICS_HOST: '127.0.0.1', CONSOLE_DIR: '', DOWNSTREAM_SERVICES: 'users,oauth' }, healthPort: gatewayPort, logFile: path.join(dir, 'gateway.log'), nodeArgs });
    processes.push(users, oauth, gateway);
    gateway.name = 'gateway';
    const floors = await startFloors({ mongoUri: mongo.uri, usersDb: 'users_cpu', redisUrl: redis.url, logDir: dir });
    processes.push(floors.fastify, floors.nest, floors.routedGateway, floors.routedService);
    const api = `http://127.0.0.1:${gatewayPort}/api/v1`;
    const login = await fetch(`${api}/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(admin) });
    const { accessToken } = await login.json();
    await (await fetch(`${api}/auth/me`, { headers: { authorization: `Bearer ${accessToken}` } })).json();
    const auth = { authorization: `Bearer ${accessToken}` };
    // another user's account, as an admin reads it (the bench's GET /users/:id)
    let other = await (await fetch(`${api}/users`, { method: 'POST', headers: { ...auth, 'content-type': 'application/json' }, body: JSON.stringify({ email: 'cpu-other@bench.test', name: 'Other One' }) })).json();
    if (process.argv.includes('--seed')) {
      // users written straight into the database, as bench/run.cjs seeds them
      const { MongoClient, ObjectId } = require('mongoose').mongo;
      const client = await MongoClient.connect(mongo.uri);
      const now = new Date();
      const docs = Array.from({ length: 1000 }, (_, i) => ({ _id: new ObjectId(), email: `user${i}@bench.test`, name: `Bench User ${i}`, nameLower: `bench user ${i}`, roles: ['user'], profile: {}, createdAt: now, updatedAt: now }));
      await client.db('users_cpu').collection('users').insertMany(docs);
      other = { id: docs[500]._id.toHexString() };
      await client.close();
    }
    const routed = [gateway, users, oauth, redis];
    if (process.argv.includes('--idle')) {
      // `--idle`: each process's CPU with no request at all, ms per second (timers, heartbeats,
      // polling), which every per-request figure includes in proportion to the run's length
      const watched = [gateway, users, oauth, redis, mongo, floors.fastify, floors.nest];
      const before = watched.map((proc) => cpuMsOf(proc.child.pid));
      await new Promise((resolve) => setTimeout(resolve, 10_000));
      watched.forEach((proc, i) => process.stdout.write(`idle ${proc.name}: ${round3((cpuMsOf(proc.child.pid) - before[i]) / 10)} ms CPU per second\n`));
    }
    const results = await measureCpu(
      /** @type {import('./cpu.cjs').CpuPath[]} */ ([
        { name: 'bare Fastify JSON (floor)', url: floors.fastifyUrl, processes: [floors.fastify], scale: 5 },
        { name: 'bare Nest on Fastify /health/live', url: floors.nestUrl, processes: [floors.nest], scale: 5 },
        { name: 'gateway /health/live (no RPC)', url: `http://127.0.0.1:${gatewayPort}/health/live`, processes: [gateway], scale: 2 },
        { name: ROUTED_FLOOR, url: floors.routedUrl, processes: [floors.routedGateway, floors.routedService, redis] },
        { name: DIRECT_READ, url: `${floors.baselineUrl}/users/${other.id}`, processes: [floors.nest], database: [mongo] },
        { name: 'GET /api/v1/auth/me (routed, no cache)', url: `${api}/auth/me`, headers: { ...auth, 'cache-control': 'no-cache' }, processes: routed, database: [mongo] },
        { name: 'GET /api/v1/users/:id (routed, no cache)', url: `${api}/users/${other.id}`, headers: { ...auth, 'cache-control': 'no-cache' }, processes: routed, database: [mongo] },
        { name: 'GET /api/v1/users/:id (cached)', url: `${api}/users/${other.id}`, headers: auth, processes: routed, database: [mongo] },
      ]).filter((p, i) => i === 0 || !only || only.test(p.name)),
      { rounds, log: (line) => process.stdout.write(`${line}\n`) },
    );
    process.stdout.write(`\n${cpuTable(results).join('\n')}\n`);
    if (process.argv.includes('--commands')) {
      // `--commands`: Redis commands per request on each routed path (INFO commandstats before and
      // after 1,000 requests), the round trips the transport and the checks cost; the apps' own
      // background commands of those seconds (heartbeats, blocking reads) are counted in too
      const Redis = require('ioredis');
      const client = new Redis(redis.url);
      const stats = async () => Object.fromEntries((await client.info('commandstats')).split('\n').filter((l) => l.startsWith('cmdstat_')).map((l) => [l.slice(8, l.indexOf(':')), Number(/calls=(\d+)/.exec(l)?.[1] ?? 0)]));
      for (const [label, url, headers] of [
        ['/auth/me, no cache', `${api}/auth/me`, { ...auth, 'cache-control': 'no-cache' }],
        ['/users/:id, no cache', `${api}/users/${other.id}`, { ...auth, 'cache-control': 'no-cache' }],
        ['/users/:id, cached', `${api}/users/${other.id}`, auth],
      ]) {
        const before = await stats();
        const { errors, non2xx } = await drive(url, headers, 1000, 16);
        if (errors + non2xx > 0) process.stdout.write(`  (${errors + non2xx} of the 1,000 requests failed)\n`);
        const after = await stats();
        const per = Object.entries(after).map(([cmd, n]) => [cmd, (n - (before[cmd] ?? 0)) / 1000]).filter(([, n]) => Number(n) >= 0.01);
        process.stdout.write(`Redis commands per request, ${label}: ${per.map(([cmd, n]) => `${cmd} ${Math.round(Number(n) * 100) / 100}`).join(', ')}\n`);
      }
      client.disconnect();
    }
    if (process.argv.includes('--fixed')) {
      // `--fixed`: cached reads at 500 req/s, evenly spaced, for 10 s (the latency target)
      const hdr = require('hdr-histogram-js');
      for (const [label, url, headers] of [
        ['bare Fastify', floors.fastifyUrl, {}],
        ['gateway /health/live', `http://127.0.0.1:${gatewayPort}/health/live`, {}],
        ['cached reads', `${api}/users/${other.id}`, auth],
      ]) {
        const h = hdr.build({ lowestDiscernibleValue: 1, highestTrackableValue: 60_000_000, numberOfSignificantValueDigits: 3 });
        const { errors, non2xx } = await openLoopApart({ url, headers, rate: 500, seconds: 10, record: (us) => h.recordValue(us) });
        const ms = (p) => Math.round(h.getValueAtPercentile(p)) / 1000;
        process.stdout.write(`${label} at 500 req/s: p50 ${ms(50)} ms, p95 ${ms(95)} ms, p99 ${ms(99)} ms, max ${Math.round(h.maxValue) / 1000} ms, ${errors + non2xx} failed\n`);
      }
    }
    for (const proc of [...processes].reverse()) await proc.stop('SIGTERM');
  })().catch(async (error) => {
    process.stderr.write(`${error?.stack ?? error}\n`);
    for (const proc of [...processes].reverse()) await proc.stop().catch(() => undefined);
    process.exit(1);
  });
}
