// @ts-check
/**
 * `npm run bench` (full: 1,000 and 100,000 users, 10 s per run) and `npm run bench:quick`
 * (1,000 and 10,000 users, 4 s per run, under 3 minutes). Starts its own Redis, FerretDB (or uses
 * REDIS_URL / MONGODB_URI), the platform and a direct baseline, measures each scenario with
 * autocannon, samples every process's RSS, and writes bench/results/<time>.json and .md.
 */
const autocannon = require('autocannon');
const hdr = require('hdr-histogram-js');
const Redis = require('ioredis');
const { MongoClient, ObjectId } = require('mongoose').mongo;
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { DATA_DIR, ROOT, freePort, startApp, startMongo, startRedis, launch, waitFor, httpStatus } = require('../tools/platform/platform.cjs');
const { rssOf } = require('./support.cjs');

const QUICK = process.argv.includes('--quick');
const DURATION = QUICK ? 4 : 10;
const CONNECTIONS = 32;
const FIXED_RATE = 500;
const SIZES = QUICK ? [1_000, 10_000] : [1_000, 100_000];
const ADMIN = { email: 'bench-admin@bench.test', password: 'bench-admin-password' };
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
  const gatewayMetricsPort = await freePort();

  /** @type {any[]} */
  let apps = [];
  async function startPlatform(transport, usersReplicas = 1) {
    for (const app of apps) await app.stop();
    processes = processes.filter((p) => !apps.includes(p));
    apps = [];
    const env = { ...common, TRANSPORT: transport };
    for (let i = 0; i < usersReplicas; i++) {
      const port = await freePort();
      apps.push(await startApp('users', { env: { ...env, MONGODB_URI: mongoUri, USERS_DB_NAME: usersDb, HEALTH_PORT: String(port), INSTANCE_ID: `bench-${i}`, ADMIN_EMAIL: ADMIN.email, ADMIN_PASSWORD: ADMIN.password }, healthPort: port, logFile: path.join(dir, `users-${i}.log`) }));
      apps[apps.length - 1].name = `users#${i + 1}`;
    }
    const oauthPort = await freePort();
    apps.push(await startApp('oauth', { env: { ...env, MONGODB_URI: mongoUri, OAUTH_DB_NAME: `oauth_bench`, HEALTH_PORT: String(oauthPort), KEY_ENCRYPTION_KEY: require('node:crypto').randomBytes(32).toString('base64') }, healthPort: oauthPort, logFile: path.join(dir, 'oauth.log') }));
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

  const baselinePort = await freePort();
  const baseline = launch('baseline', process.execPath, [path.join(ROOT, 'dist/bench/baseline/main.js')], {
    env: { ...process.env, MONGODB_URI: mongoUri, USERS_DB_NAME: usersDb, PORT: String(baselinePort) },
    logFile: path.join(dir, 'baseline.log'),
  });
  processes.push(baseline);

  const results = [];
  const counts = {};
  counts[SIZES[0]] = await seed(db, SIZES[0]);
  const target = await db.collection('users').findOne({ email: 'user500@bench.test' });
  const userUrl = `${api}/users/${target._id.toHexString()}`;
  await waitFor(async () => (await httpStatus(`http://127.0.0.1:${baselinePort}/users/${target._id.toHexString()}`)) === 200, { what: 'baseline' });

  process.stdout.write('\n1-2. read by id: gateway vs direct baseline\n');
  const gatewayMax = await load('gateway GET /users/:id, max throughput (streams)', { url: userUrl, headers: auth });
  const gatewayFixed = await load(`gateway GET /users/:id, fixed ${FIXED_RATE} req/s`, { url: userUrl, headers: auth, overallRate: FIXED_RATE });
  const baselineMax = await load('direct baseline GET /users/:id, max throughput', { url: `http://127.0.0.1:${baselinePort}/users/${target._id.toHexString()}` });
  const baselineFixed = await load(`direct baseline, fixed ${FIXED_RATE} req/s`, { url: `http://127.0.0.1:${baselinePort}/users/${target._id.toHexString()}`, overallRate: FIXED_RATE });
  results.push(gatewayMax, gatewayFixed, baselineMax, baselineFixed);

  process.stdout.write('\n1b. the platform without the database: /health/services = two pings over the transport\n');
  const pingsMax = await load('gateway GET /health/services (2 RPC pings, no DB), max throughput', { url: `http://127.0.0.1:${gatewayPort}/health/services` });
  const pingsFixed = await load(`gateway GET /health/services (2 RPC pings, no DB), fixed ${FIXED_RATE} req/s`, { url: `http://127.0.0.1:${gatewayPort}/health/services`, overallRate: FIXED_RATE });
  results.push(pingsMax, pingsFixed);

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
  // search scans on FerretDB (no index pushdown), so it is measured at a concurrency it can serve
  const search = { url: `${api}/users?q=bench%20user%2000012&limit=20`, headers: auth, connections: 4 };
  const searchSmall = await load(`gateway GET /users?q= at ${SIZES[0]} (4 connections)`, search);
  counts[SIZES[1]] = await seed(db, SIZES[1]);
  const searchLarge = await load(`gateway GET /users?q= at ${SIZES[1]} (4 connections)`, search);
  results.push(writes, searchSmall, searchLarge);

  process.stdout.write('\n6. two users replicas (streams)\n');
  await startPlatform('streams', 2);
  const twoReplicas = await load('gateway GET /users/:id, 2 users replicas', { url: userUrl, headers: auth });
  results.push(twoReplicas);

  process.stdout.write('\n4. built-in Transport.REDIS\n');
  await startPlatform('redis', 1);
  const builtinMax = await load('gateway GET /users/:id, max throughput (built-in Transport.REDIS)', { url: userUrl, headers: auth });
  const builtinFixed = await load(`gateway GET /users/:id, fixed ${FIXED_RATE} req/s (built-in)`, { url: userUrl, headers: auth, overallRate: FIXED_RATE });
  results.push(builtinMax, builtinFixed);

  await client.close();
  for (const proc of [...processes].reverse()) await proc.stop();

  const ratio = (a, b) => Math.round((a / b) * 100) / 100;
  const report = {
    date: new Date().toISOString(),
    mode: QUICK ? 'quick' : 'full',
    machine: { cores: os.cpus().length, cpu: os.cpus()[0]?.model, memoryGb: Math.round(os.totalmem() / 1e9), node: process.version, platform: `${os.platform()} ${os.release()}` },
    settings: { durationSeconds: DURATION, connections: CONNECTIONS, fixedRate: FIXED_RATE, users: counts },
    results,
    ratios: {
      gatewayToBaselineThroughput: ratio(gatewayMax.throughput, baselineMax.throughput),
      gatewayMinusBaselineP99Ms: Math.round((gatewayFixed.p99 - baselineFixed.p99) * 100) / 100,
      streamsToBuiltinThroughput: ratio(gatewayMax.throughput, builtinMax.throughput),
      streamsToBuiltinP99: ratio(gatewayMax.p99, builtinMax.p99),
      searchLargeToSmallP50: ratio(searchLarge.p50, searchSmall.p50),
      twoToOneReplicaThroughput: ratio(twoReplicas.throughput, gatewayMax.throughput),
      noDbPingsFixedP95Ms: pingsFixed.p95,
      noDbPingsFixedP99Ms: pingsFixed.p99,
    },
    peakRssMb: Object.fromEntries([...peakRss].map(([k, v]) => [k, Math.round(v / 1048576)])),
  };
  const targets = [
    [`fixed ${FIXED_RATE} req/s p95 ≤ 5 ms`, gatewayFixed.p95 <= 5, `${gatewayFixed.p95} ms`],
    [`fixed ${FIXED_RATE} req/s p99 ≤ 10 ms`, gatewayFixed.p99 <= 10, `${gatewayFixed.p99} ms`],
    [`fixed ${FIXED_RATE} req/s zero errors`, gatewayFixed.errors + gatewayFixed.non2xx === 0, `${gatewayFixed.errors + gatewayFixed.non2xx}`],
    ['gateway ≥ 50 % of direct baseline throughput', report.ratios.gatewayToBaselineThroughput >= 0.5, `${report.ratios.gatewayToBaselineThroughput}`],
    ['streams throughput ≥ built-in', report.ratios.streamsToBuiltinThroughput >= 1, `${report.ratios.streamsToBuiltinThroughput}`],
    ['streams p99 no worse than built-in', report.ratios.streamsToBuiltinP99 <= 1, `${report.ratios.streamsToBuiltinP99}`],
    [
      `search at ${SIZES[1]} within 2× of ${SIZES[0]} (p50), no errors`,
      report.ratios.searchLargeToSmallP50 <= 2 && searchLarge.errors + searchLarge.non2xx === 0,
      `${report.ratios.searchLargeToSmallP50} (${searchLarge.non2xx} non-2xx)`,
    ],
    ['each app RSS ≤ 200 MB', Object.entries(report.peakRssMb).filter(([k]) => !/redis|ferretdb|mongod/.test(k)).every(([, v]) => v <= 200), JSON.stringify(report.peakRssMb)],
  ];
  report.targets = targets.map(([target, met, value]) => ({ target, met, value }));

  const md = [
    `# Benchmark ${report.date} (${report.mode})`,
    '',
    `Machine: ${report.machine.cores} cores (${report.machine.cpu}), ${report.machine.memoryGb} GB, Node ${report.machine.node}. ${CONNECTIONS} connections, ${DURATION} s per run, users: ${JSON.stringify(counts)}. Load generator, Redis, FerretDB and all apps share the machine.`,
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
