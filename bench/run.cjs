// @ts-check
/**
 * `npm run bench` (full: 1,000 and 100,000 users, 10 s per run) and `npm run bench:quick`
 * (1,000 and 10,000 users, 4 s per run). Starts its own Redis, FerretDB (or uses REDIS_URL /
 * MONGODB_URI), the platform, a direct baseline and the CPU floors (bench/cpu.cjs), measures CPU
 * per request in each process and each scenario with autocannon, samples every process's RSS,
 * and writes bench/results/<time>.json and .md with a targets table (met or not). It exits
 * non-zero only when it could not measure (a crash), never for an unmet target.
 */
const autocannon = require('autocannon');
const hdr = require('hdr-histogram-js');
const Redis = require('ioredis');
const { MongoClient, ObjectId } = require('mongoose').mongo;
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { DATA_DIR, ROOT, freePort, startApp, startMongo, startRedis, waitFor, httpStatus } = require('../tools/platform/platform.cjs');
const { rssOf, usersServiceEnv } = require('./support.cjs');
const { openLoopApart } = require('./open-loop.cjs');
const { cpuTable, measureCpu, startFloors, ROUTED_FLOOR, DIRECT_READ } = require('./cpu.cjs');
const { benchDashboard } = require('./dashboard.cjs');

const QUICK = process.argv.includes('--quick');
const DURATION = QUICK ? 4 : 10;
const CONNECTIONS = 32;
const FIXED_RATE = 500;
const SIZES = QUICK ? [1_000, 10_000] : [1_000, 100_000];
const ADMIN = { email: 'bench-admin@bench.test', password: 'bench-admin-password' };
/** The routed figure is of reads the cache does not answer (issue #18): the client asks for a fresh answer. */
const NO_CACHE = { 'cache-control': 'no-cache' };
const dir = path.join(DATA_DIR, 'bench');

/** @type {{ name: string, child: import('node:child_process').ChildProcess, stop: (s?: NodeJS.Signals) => Promise<unknown> }[]} */
let processes = [];
/** @type {Map<string, number>} */
const peakRss = new Map();


function sampleRss() {
  const sample = {};
  for (const proc of processes) {
    const rss = rssOf(proc.child.pid);
    sample[proc.name] = rss;
    peakRss.set(proc.name, Math.max(peakRss.get(proc.name) ?? 0, rss));
  }
  return sample;
}

function histogram() {
  return hdr.build({ lowestDiscernibleValue: 1, highestTrackableValue: 60_000_000, numberOfSignificantValueDigits: 3 });
}

function summary(h, seconds, errors, non2xx) {
  const us = (p) => Math.round(h.getValueAtPercentile(p)) / 1000;
  return {
    requests: h.totalCount,
    throughput: Math.round(h.totalCount / seconds),
    p50: us(50),
    p95: us(95),
    p99: us(99),
    max: Math.round(h.maxValue) / 1000,
    errors,
    non2xx,
  };
}

/** One autocannon run; latencies recorded per response (µs) so p95 is exact. */
async function load(name, options) {
  const h = histogram();
  const rssDuring = new Map();
  const timer = setInterval(() => {
    const sample = sampleRss();
    for (const [k, v] of Object.entries(sample)) rssDuring.set(k, Math.max(rssDuring.get(k) ?? 0, v));
  }, 200);
  const instance = autocannon({ connections: CONNECTIONS, duration: DURATION, ...options });
  instance.on('response', (_client, _status, _bytes, responseTime) => h.recordValue(Math.max(1, Math.round(responseTime * 1000))));
  const result = await instance;
  clearInterval(timer);
  const out = {
    name,
    ...summary(h, result.duration, result.errors + result.timeouts, result.non2xx),
    peakRssMb: Object.fromEntries([...rssDuring].map(([k, v]) => [k, Math.round(v / 1048576)])),
  };
  // which statuses the failures were, so a non-2xx count says why
  const failedStatuses = Object.entries(result.statusCodeStats ?? {}).filter(([code]) => !code.startsWith('2')).map(([code, { count }]) => `${code}×${count}`);
  process.stdout.write(`  ${name}: ${out.throughput} req/s, p50 ${out.p50} ms, p95 ${out.p95} ms, p99 ${out.p99} ms, errors ${out.errors}, non-2xx ${out.non2xx}${failedStatuses.length ? ` (${failedStatuses.join(', ')})` : ''}\n`);
  return out;
}

/**
 * `openLoop` (bench/support.cjs) at FIXED_RATE-style rates, in a process of its own
 * (bench/open-loop.cjs), with the RSS of every process sampled and a summary line.
 */
async function fixedRate(name, { url, headers = {}, rate }) {
  const rssDuring = new Map();
  const timer = setInterval(() => {
    const sample = sampleRss();
    for (const [k, v] of Object.entries(sample)) rssDuring.set(k, Math.max(rssDuring.get(k) ?? 0, v));
  }, 200);
  const h = histogram();
  const { seconds, errors, non2xx } = await openLoopApart({ url, headers, rate, seconds: DURATION, connections: CONNECTIONS, record: (us) => h.recordValue(us) });
  clearInterval(timer);
  const out = {
    name,
    ...summary(h, seconds, errors, non2xx),
    peakRssMb: Object.fromEntries([...rssDuring].map(([k, v]) => [k, Math.round(v / 1048576)])),
  };
  process.stdout.write(`  ${name}: ${out.throughput} req/s, p50 ${out.p50} ms, p95 ${out.p95} ms, p99 ${out.p99} ms, errors ${out.errors}, non-2xx ${out.non2xx}\n`);
  return out;
}

/** The floor: a request/reply over raw Redis pub/sub (ioredis), same concurrency. */
async function redisFloor(url) {
  const requester = new Redis(url);
  const replies = new Redis(url);
  const responderIn = new Redis(url);
  const responderOut = new Redis(url);
  await responderIn.subscribe('bench:req');
  responderIn.on('message', (_c, id) => void responderOut.publish('bench:rep', id));
  await replies.subscribe('bench:rep');
  const pending = new Map();
  replies.on('message', (_c, id) => pending.get(id)?.());
  const h = histogram();
  const end = Date.now() + DURATION * 1000;
  let seq = 0;
  const worker = async () => {
    while (Date.now() < end) {
      const id = String(seq++);
      const started = process.hrtime.bigint();
      await new Promise((resolve) => {
        pending.set(id, resolve);
        void requester.publish('bench:req', id);
      });
      pending.delete(id);
      h.recordValue(Math.max(1, Number((process.hrtime.bigint() - started) / 1000n)));
    }
  };
  await Promise.all(Array.from({ length: CONNECTIONS }, worker));
  for (const c of [requester, replies, responderIn, responderOut]) c.disconnect();
  const out = { name: 'raw Redis request/reply (ioredis pub/sub)', ...summary(h, DURATION, 0, 0), peakRssMb: {} };
  process.stdout.write(`  ${out.name}: ${out.throughput} req/s, p50 ${out.p50} ms, p95 ${out.p95} ms, p99 ${out.p99} ms\n`);
  return out;
}

async function seed(db, total) {
  const users = db.collection('users');
  const have = await users.countDocuments();
  const now = new Date();
  for (let start = have; start < total; start += 1000) {
    const batch = [];
    for (let i = start; i < Math.min(total, start + 1000); i++) {
      const name = `Bench User ${String(i).padStart(6, '0')}`;
      batch.push({ _id: new ObjectId(), email: `user${i}@bench.test`, name, nameLower: name.toLowerCase(), roles: ['user'], profile: {}, createdAt: now, updatedAt: now });
    }
    await users.insertMany(batch, { ordered: false });
  }
  return users.countDocuments();
}

async function main() {
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  const redis = process.env.REDIS_URL ? null : await startRedis({ dir: path.join(dir, 'redis') });
  const mongo = process.env.MONGODB_URI ? null : await startMongo({ dir: path.join(dir, 'mongo') });
  if (redis) processes.push(redis);
  if (mongo) processes.push(mongo);
  const redisUrl = process.env.REDIS_URL ?? redis.url;
  const mongoUri = process.env.MONGODB_URI ?? mongo.uri;
  const usersDb = `users_bench_${Date.now().toString(36)}`;
  const common = { NODE_ENV: 'production', LOG_LEVEL: 'warn', REDIS_URL: redisUrl, RATE_LIMIT_PER_IP: '1000000', RATE_LIMIT_PER_ACCOUNT: '1000000' };
  const gatewayPort = await freePort();
  // one for the whole run: oauth's signing keys are sealed with it, and the platform restarts
  const keyEncryptionKey = require('node:crypto').randomBytes(32).toString('base64');
  const gatewayMetricsPort = await freePort();
  // the users service's mail server and sealing key, the same across restarts
  const usersExtra = await usersServiceEnv(processes, dir);

  /** @type {any[]} */
  let apps = [];
  async function startPlatform(transport, usersReplicas = 1, usersEnv = {}) {
    for (const app of apps) await app.stop();
    processes = processes.filter((p) => !apps.includes(p));
    apps = [];
    const env = { ...common, TRANSPORT: transport };
    for (let i = 0; i < usersReplicas; i++) {
      const port = await freePort();
      apps.push(await startApp('users', { env: { ...env, ...usersExtra, ...usersEnv, MONGODB_URI: mongoUri, USERS_DB_NAME: usersDb, HEALTH_PORT: String(port), INSTANCE_ID: `bench-${i}`, ADMIN_EMAIL: ADMIN.email, ADMIN_PASSWORD: ADMIN.password }, healthPort: port, logFile: path.join(dir, `users-${i}.log`) }));
      apps[apps.length - 1].name = `users#${i + 1}`;
    }
    const oauthPort = await freePort();
    apps.push(await startApp('oauth', { env: { ...env, MONGODB_URI: mongoUri, OAUTH_DB_NAME: `oauth_bench`, HEALTH_PORT: String(oauthPort), KEY_ENCRYPTION_KEY: keyEncryptionKey }, healthPort: oauthPort, logFile: path.join(dir, 'oauth.log') }));
    apps.push(await startApp('console-gateway', { env: { ...env, PORT: String(gatewayPort), HOST: '127.0.0.1', METRICS_PORT: String(gatewayMetricsPort), METRICS_HOST: '127.0.0.1', CONSOLE_DIR: '', DOWNSTREAM_SERVICES: 'users,oauth' }, healthPort: gatewayPort, logFile: path.join(dir, 'gateway.log') }));
    processes.push(...apps);
  }

  process.stdout.write(`site11 benchmark (${QUICK ? 'quick' : 'full'}): ${os.cpus().length} cores, Node ${process.version}\n`);
  await startPlatform('streams');
  const client = await MongoClient.connect(mongoUri);
  const db = client.db(usersDb);
  const api = `http://127.0.0.1:${gatewayPort}/api/v1`;
  const login = await fetch(`${api}/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(ADMIN) });
  const { accessToken } = await login.json();
  const auth = { authorization: `Bearer ${accessToken}` };

  // the direct baseline (Nest + Fastify + mongoose) is also the "bare Nest on Fastify" CPU floor
  const floors = await startFloors({ mongoUri, usersDb, redisUrl, logDir: dir });
  floors.nest.name = 'baseline';
  processes.push(floors.fastify, floors.nest, floors.routedGateway, floors.routedService);
  const baselineUrl = floors.baselineUrl;

  const results = [];
  const counts = {};
  counts[SIZES[0]] = await seed(db, SIZES[0]);
  const target = await db.collection('users').findOne({ email: 'user500@bench.test' });
  const userUrl = `${api}/users/${target._id.toHexString()}`;
  await waitFor(async () => (await httpStatus(`${baselineUrl}/users/${target._id.toHexString()}`)) === 200, { what: 'baseline' });

  /** CPU per request of the platform's paths, beside the floors, in interleaved rounds. */
  async function cpuSection(transport) {
    const byName = (name) => apps.find((app) => app.name === name);
    const [gateway, users, oauth] = [byName('console-gateway'), byName('users#1'), byName('oauth')];
    const routed = [gateway, users, oauth, ...(redis ? [redis] : [])];
    const database = mongo ? [mongo] : [];
    const paths = [
      { name: 'bare Fastify JSON (floor)', url: floors.fastifyUrl, processes: [floors.fastify], scale: 5 },
      { name: 'bare Nest on Fastify /health/live', url: floors.nestUrl, processes: [floors.nest], scale: 5 },
      { name: ROUTED_FLOOR, url: floors.routedUrl, processes: [floors.routedGateway, floors.routedService, ...(redis ? [redis] : [])] },
      { name: DIRECT_READ, url: `${baselineUrl}/users/${target._id.toHexString()}`, processes: [floors.nest], database },
      { name: 'gateway /health/live (no RPC)', url: `http://127.0.0.1:${gatewayPort}/health/live`, processes: [gateway], scale: 2 },
      { name: 'GET /api/v1/auth/me (routed, no cache)', url: `${api}/auth/me`, headers: { ...auth, ...NO_CACHE }, processes: routed, database },
      { name: 'GET /api/v1/users/:id (routed, no cache)', url: userUrl, headers: { ...auth, ...NO_CACHE }, processes: routed, database },
      { name: 'GET /api/v1/users/:id (cached)', url: userUrl, headers: auth, processes: routed, database },
    ];
    process.stdout.write(`\n0. CPU per request (${transport}): ${QUICK ? 2 : 3} interleaved rounds of ${QUICK ? 2000 : 4000} requests, concurrency 16\n`);
    const measured = await measureCpu(paths, { rounds: QUICK ? 2 : 3, requests: QUICK ? 2000 : 4000, log: (line) => process.stdout.write(`${line}\n`) });
    process.stdout.write(`${cpuTable(measured).join('\n')}\n`);
    return measured;
  }
  const cpu = await cpuSection('streams');

  process.stdout.write('\n1-2. read by id: gateway (cached and not) vs direct baseline\n');
  const cachedMax = await load('gateway GET /users/:id, cached, max throughput', { url: userUrl, headers: auth });
  const cachedFixed = await fixedRate(`gateway GET /users/:id, cached, fixed ${FIXED_RATE} req/s (evenly spaced)`, { url: userUrl, headers: auth, rate: FIXED_RATE });
  const gatewayMax = await load('gateway GET /users/:id, no cache, max throughput (streams)', { url: userUrl, headers: { ...auth, ...NO_CACHE } });
  const gatewayFixed = await fixedRate(`gateway GET /users/:id, no cache, fixed ${FIXED_RATE} req/s (evenly spaced)`, { url: userUrl, headers: { ...auth, ...NO_CACHE }, rate: FIXED_RATE });
  const baselineMax = await load('direct baseline GET /users/:id, max throughput', { url: `${baselineUrl}/users/${target._id.toHexString()}` });
  const baselineFixed = await fixedRate(`direct baseline, fixed ${FIXED_RATE} req/s (evenly spaced)`, { url: `${baselineUrl}/users/${target._id.toHexString()}`, rate: FIXED_RATE });
  results.push(cachedMax, cachedFixed, gatewayMax, gatewayFixed, baselineMax, baselineFixed);

  process.stdout.write('\n1b. the platform without the database: /health/services = two pings over the transport\n');
  const pingsMax = await load('gateway GET /health/services (2 RPC pings, no DB), max throughput', { url: `http://127.0.0.1:${gatewayPort}/health/services` });
  const pingsFixed = await fixedRate(`gateway GET /health/services (2 RPC pings, no DB), fixed ${FIXED_RATE} req/s (evenly spaced)`, { url: `http://127.0.0.1:${gatewayPort}/health/services`, rate: FIXED_RATE });
  results.push(pingsMax, pingsFixed);

  process.stdout.write('\n1c. GET /api/v1/dashboard (response aggregation)\n');
  // the target is the latency aggregation adds for a client (one at a time); at concurrency 8 the
  // gateway's own queue on this 2-core machine adds to it, reported beside it
  const dashboard = await benchDashboard({ baseUrl: api, token: accessToken, requests: QUICK ? 200 : 600, concurrency: 1 });
  const dashboardLoaded = await benchDashboard({ baseUrl: api, token: accessToken, requests: QUICK ? 200 : 600, concurrency: 8 });
  for (const [label, d] of [['one client', dashboard], ['8 concurrent clients', dashboardLoaded]]) {
    process.stdout.write(`  dashboard, ${label}: p50 ${d.p50} ms, p95 ${d.p95} ms, slowest section p95 ${d.slowestSectionP95} ms, overhead p95 ${d.overheadP95} ms, errors ${d.errors}\n`);
  }

  process.stdout.write('\n3. transport floor\n');
  const floor = await redisFloor(redisUrl);
  results.push(floor);

  process.stdout.write(`\n5. writes and search at ${SIZES[0]} users\n`);
  let seq = 0;
  const writes = await load('gateway POST /users (no password)', {
    url: `${api}/users`,
    method: 'POST',
    headers: { ...auth, 'content-type': 'application/json' },
    requests: [{ setupRequest: (req) => ({ ...req, body: JSON.stringify({ email: `w${Date.now()}-${seq++}@bench.test`, name: 'Writer' }) }) }],
  });
  const search = { url: `${api}/users?q=bench%20user%2000012&limit=20`, headers: auth, connections: 4 };
  // the writes still queued when the load stopped are handled first; a search measured behind them
  // measures them (and the breaker they may have opened): wait until the users service's request
  // stream is empty (every entry is deleted once answered), then for five searches in a row to pass
  const streams = new Redis(redisUrl);
  await waitFor(async () => (await streams.xlen('rpc:{users}')) === 0, { what: 'the queued writes handled', timeoutMs: 300_000, intervalMs: 500 });
  streams.disconnect();
  let passed = 0;
  const searchPasses = async () => (await fetch(search.url, { headers: auth }).catch(() => null))?.status === 200;
  await waitFor(async () => ((passed = (await searchPasses()) ? passed + 1 : 0), passed >= 5), { what: 'the writes drained', timeoutMs: 120_000, intervalMs: 200 });
  const searchSmall = await load(`gateway GET /users?q= at ${SIZES[0]} (4 connections)`, search);
  counts[SIZES[1]] = await seed(db, SIZES[1]);
  // the users service keeps its search index from its events and writes; seeded straight into
  // the database, the users are indexed by a rebuild, as after a restore (USERS_SEARCH_REBUILD)
  const admin = new Redis(redisUrl);
  const readyKey = async () => (await admin.keys(`usersearch:*:${usersDb}:ready`))[0];
  const builtBefore = Number((await admin.get((await readyKey()) ?? 'none')) ?? 0);
  const rebuildStarted = Date.now();
  await startPlatform('streams', 1, { USERS_SEARCH_REBUILD: 'at-start' });
  await waitFor(async () => Number((await admin.get((await readyKey()) ?? 'none')) ?? 0) > builtBefore, { what: 'search index rebuilt', timeoutMs: 600_000 });
  const rebuildSeconds = Math.round((Date.now() - rebuildStarted) / 100) / 10;
  process.stdout.write(`  search index rebuilt from ${counts[SIZES[1]]} users in ${rebuildSeconds} s (restart included)\n`);
  admin.disconnect();
  const searchLarge = await load(`gateway GET /users?q= at ${SIZES[1]} (4 connections)`, search);
  results.push(writes, searchSmall, searchLarge);

  process.stdout.write('\n6. two users replicas (streams)\n');
  await startPlatform('streams', 2);
  const twoReplicas = await load('gateway GET /users/:id, no cache, 2 users replicas', { url: userUrl, headers: { ...auth, ...NO_CACHE } });
  results.push(twoReplicas);

  process.stdout.write('\n4. built-in Transport.REDIS\n');
  await startPlatform('streams', 1);
  const streamsAgain = await load('gateway GET /users/:id, no cache, max throughput (streams, beside built-in)', { url: userUrl, headers: { ...auth, ...NO_CACHE } });
  await startPlatform('redis', 1);
  const builtinMax = await load('gateway GET /users/:id, no cache, max throughput (built-in Transport.REDIS)', { url: userUrl, headers: { ...auth, ...NO_CACHE } });
  const builtinFixed = await fixedRate(`gateway GET /users/:id, no cache, fixed ${FIXED_RATE} req/s (built-in, evenly spaced)`, { url: userUrl, headers: { ...auth, ...NO_CACHE }, rate: FIXED_RATE });
  results.push(streamsAgain, builtinMax, builtinFixed);
  const cpuBuiltin = await cpuSection('built-in Transport.REDIS');

  await client.close();
  for (const proc of [...processes].reverse()) await proc.stop();

  const ratio = (a, b) => Math.round((a / b) * 100) / 100;
  const cpuOf = (measured, name) => measured.find((m) => m.name === name)?.cpuMs ?? NaN;
  const report = {
    date: new Date().toISOString(),
    mode: QUICK ? 'quick' : 'full',
    machine: { cores: os.cpus().length, cpu: os.cpus()[0]?.model, memoryGb: Math.round(os.totalmem() / 1e9), node: process.version, platform: `${os.platform()} ${os.release()}` },
    settings: { durationSeconds: DURATION, connections: CONNECTIONS, fixedRate: FIXED_RATE, users: counts },
    results,
    cpu: { streams: cpu, builtin: cpuBuiltin },
    dashboard,
    dashboardLoaded,
    searchIndexRebuildSeconds: rebuildSeconds,
    ratios: {
      routedCpuToFloor: ratio(cpuOf(cpu, 'GET /api/v1/auth/me (routed, no cache)'), cpuOf(cpu, 'bare Fastify JSON (floor)')),
      routedByIdCpuToFloor: ratio(cpuOf(cpu, 'GET /api/v1/users/:id (routed, no cache)'), cpuOf(cpu, 'bare Fastify JSON (floor)')),
      gatewayOnlyCpuToFloor: ratio(cpuOf(cpu, 'gateway /health/live (no RPC)'), cpuOf(cpu, 'bare Fastify JSON (floor)')),
      nestCpuToFloor: ratio(cpuOf(cpu, 'bare Nest on Fastify /health/live'), cpuOf(cpu, 'bare Fastify JSON (floor)')),
      nestRoutedCpuToFloor: ratio(cpuOf(cpu, ROUTED_FLOOR), cpuOf(cpu, 'bare Fastify JSON (floor)')),
      directReadCpuToFloor: ratio(cpuOf(cpu, DIRECT_READ), cpuOf(cpu, 'bare Fastify JSON (floor)')),
      cachedCpuToFloor: ratio(cpuOf(cpu, 'GET /api/v1/users/:id (cached)'), cpuOf(cpu, 'bare Fastify JSON (floor)')),
      gatewayToBaselineThroughput: ratio(gatewayMax.throughput, baselineMax.throughput),
      gatewayMinusBaselineP99Ms: Math.round((gatewayFixed.p99 - baselineFixed.p99) * 100) / 100,
      streamsToBuiltinThroughput: ratio(streamsAgain.throughput, builtinMax.throughput),
      streamsToBuiltinP99: ratio(streamsAgain.p99, builtinMax.p99),
      streamsToBuiltinRoutedCpu: ratio(cpuOf(cpu, 'GET /api/v1/users/:id (routed, no cache)'), cpuOf(cpuBuiltin, 'GET /api/v1/users/:id (routed, no cache)')),
      searchLargeToSmallP50: ratio(searchLarge.p50, searchSmall.p50),
      twoToOneReplicaThroughput: ratio(twoReplicas.throughput, gatewayMax.throughput),
      noDbPingsFixedP95Ms: pingsFixed.p95,
      noDbPingsFixedP99Ms: pingsFixed.p99,
      dashboardOverheadP95Ms: dashboard.overheadP95,
      dashboardOverheadP95MsAt8: dashboardLoaded.overheadP95,
    },
    peakRssMb: Object.fromEntries([...peakRss].map(([k, v]) => [k, Math.round(v / 1048576)])),
  };
  const targets = [
    ['CPU per routed read (gateway + users + oauth + Redis, no cache, /auth/me) ≤ 15× bare Fastify', report.ratios.routedCpuToFloor <= 15, `${report.ratios.routedCpuToFloor}× (${cpuOf(cpu, 'GET /api/v1/auth/me (routed, no cache)')} ms; bare Nest routed over Redis: ${report.ratios.nestRoutedCpuToFloor}×; one Nest app reading MongoDB: ${report.ratios.directReadCpuToFloor}×)`],
    ['CPU of a gateway-only route (/health/live) ≤ 2.5× bare Fastify', report.ratios.gatewayOnlyCpuToFloor <= 2.5, `${report.ratios.gatewayOnlyCpuToFloor}× (bare Nest: ${report.ratios.nestCpuToFloor}×)`],
    [`cached reads at fixed ${FIXED_RATE} req/s: p99 ≤ 10 ms`, cachedFixed.p99 <= 10, `${cachedFixed.p99} ms`],
    [`cached reads at fixed ${FIXED_RATE} req/s: zero errors`, cachedFixed.errors + cachedFixed.non2xx === 0, `${cachedFixed.errors + cachedFixed.non2xx}`],
    [`uncached reads at fixed ${FIXED_RATE} req/s: zero errors`, gatewayFixed.errors + gatewayFixed.non2xx === 0, `${gatewayFixed.errors + gatewayFixed.non2xx}`],
    ['gateway (no cache) ≥ 50 % of direct baseline throughput', report.ratios.gatewayToBaselineThroughput >= 0.5, `${report.ratios.gatewayToBaselineThroughput}`],
    ['streams throughput ≥ built-in (same run, no cache)', report.ratios.streamsToBuiltinThroughput >= 1, `${report.ratios.streamsToBuiltinThroughput}`],
    ['streams CPU per routed read ≤ built-in', report.ratios.streamsToBuiltinRoutedCpu <= 1, `${report.ratios.streamsToBuiltinRoutedCpu}`],
    [
      `search at ${SIZES[1]} within 2× of ${SIZES[0]} (p50), no errors`,
      report.ratios.searchLargeToSmallP50 <= 2 && searchLarge.errors + searchLarge.non2xx + searchSmall.errors + searchSmall.non2xx === 0,
      `${report.ratios.searchLargeToSmallP50} (non-2xx: ${searchSmall.non2xx} at ${SIZES[0]}, ${searchLarge.non2xx} at ${SIZES[1]})`,
    ],
    ['dashboard p95 ≤ its slowest section + 2 ms (one client)', dashboard.overheadP95 <= 2 && dashboard.errors + dashboardLoaded.errors === 0, `overhead p95 ${dashboard.overheadP95} ms (p95 ${dashboard.p95} ms, slowest section p95 ${dashboard.slowestSectionP95} ms); at 8 clients ${dashboardLoaded.overheadP95} ms; ${dashboard.errors + dashboardLoaded.errors} errors`],
    ['each app RSS ≤ 200 MB', Object.entries(report.peakRssMb).filter(([k]) => !/redis|ferretdb|mongod|maildev/.test(k)).every(([, v]) => v <= 200), JSON.stringify(report.peakRssMb)],
  ];
  report.targets = targets.map(([target, met, value]) => ({ target, met, value }));

  const md = [
    `# Benchmark ${report.date} (${report.mode})`,
    '',
    `Machine: ${report.machine.cores} cores (${report.machine.cpu}), ${report.machine.memoryGb} GB, Node ${report.machine.node}. ${CONNECTIONS} connections, ${DURATION} s per run, users: ${JSON.stringify(counts)}. Load generator, Redis, FerretDB and all apps share the machine.`,
    '',
    '## CPU per request (streams transport)',
    '',
    ...cpuTable(cpu),
    '',
    '## CPU per request (built-in Transport.REDIS)',
    '',
    ...cpuTable(cpuBuiltin),
    '',
    '## Scenarios',
    '',
    '| scenario | req/s | p50 ms | p95 ms | p99 ms | max ms | errors | non-2xx |',
    '|---|---:|---:|---:|---:|---:|---:|---:|',
    ...results.map((r) => `| ${r.name} | ${r.throughput} | ${r.p50} | ${r.p95} | ${r.p99} | ${r.max} | ${r.errors} | ${r.non2xx} |`),
    '',
    '| ratio | value |',
    '|---|---:|',
    ...Object.entries(report.ratios).map(([k, v]) => `| ${k} | ${v} |`),
    '',
    '| process | peak RSS MB |',
    '|---|---:|',
    ...Object.entries(report.peakRssMb).map(([k, v]) => `| ${k} | ${v} |`),
    '',
    '| target | met | measured |',
    '|---|---|---|',
    ...report.targets.map((t) => `| ${t.target} | ${t.met ? 'yes' : 'NO'} | ${t.value} |`),
    '',
  ].join('\n');
  const stamp = report.date.replace(/[:.]/g, '-');
  fs.mkdirSync(path.join(ROOT, 'bench/results'), { recursive: true });
  fs.writeFileSync(path.join(ROOT, `bench/results/${stamp}.json`), JSON.stringify(report, null, 2));
  fs.writeFileSync(path.join(ROOT, `bench/results/${stamp}.md`), md);
  fs.writeFileSync(path.join(ROOT, 'bench/results/latest.md'), md);
  process.stdout.write(`\n${md}\nWritten to bench/results/${stamp}.{json,md}\n`);
}

main().catch(async (error) => {
  process.stderr.write(`${error?.stack ?? error}\n`);
  for (const proc of [...processes].reverse()) await proc.stop().catch(() => undefined);
  process.exit(1);
});
