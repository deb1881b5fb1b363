// @ts-check
/**
 * `npm run bench:statistics`: statistics as it counts and answers. Starts its own Redis and
 * FerretDB (or REDIS_URL / MONGODB_URI), users, oauth, statistics and the gateway; appends
 * 100,000 events straight into the event streams (as outbox relays do, as they happen, four kinds), and measures how fast statistics stores them (events/s until every one is
 * acknowledged) and the lag until all are rolled up into buckets; then the series queries the
 * console makes through the gateway: 24 hours of minute buckets (1,440 points) and 7 days of
 * hour buckets (p50/p95). Writes bench/results/statistics-<time>.{json,md}.
 */
const hdr = require('hdr-histogram-js');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { randomBytes, randomUUID } = require('node:crypto');
const Redis = require('ioredis');
const mongoose = require('mongoose');
const { DATA_DIR, freePort, startApp, startMongo, startRedis, waitFor } = require('../tools/platform/platform.cjs');
const { RssWatch, cpuMsOf, runBench, stats, targetTable, usersServiceEnv, writeReport } = require('./support.cjs');

const QUICK = process.argv.includes('--quick');
const EVENTS = QUICK ? 10_000 : 100_000;
/** Events of the history the queries read: one a minute. */
const HISTORY = QUICK ? 2_000 : 7_000;
const QUERIES = QUICK ? 5 : 20;
const ADMIN = { email: 'bench-admin@bench.test', password: 'bench-admin-password' };
const dir = path.join(DATA_DIR, 'bench-statistics');
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const OWNERS = Array.from({ length: 50 }, () => randomBytes(12).toString('hex'));
/** What is emitted: pattern, share, payload. */
const KINDS = [
  { pattern: 'oauth.login.succeeded', every: 2, data: (i) => ({ userId: OWNERS[i % OWNERS.length], method: 'password' }) },
  { pattern: 'users.created', every: 5, data: () => ({ id: randomBytes(12).toString('hex'), email: 'x@example.com', roles: ['user'] }) },
  { pattern: 'images.image.uploaded', every: 5, data: (i) => ({ id: randomBytes(12).toString('hex'), ownerId: OWNERS[i % OWNERS.length], contentType: 'image/png', bytes: 2048, storedBytes: 4096, width: 10, height: 10 }) },
  { pattern: 'applications.config.published', every: 10, data: (i) => ({ applicationId: 'a', env: 'prod', version: i, author: OWNERS[i % OWNERS.length] }) },
];
const kindOf = (i) => (i % 10 < 5 ? KINDS[0] : i % 10 < 7 ? KINDS[1] : i % 10 < 9 ? KINDS[2] : KINDS[3]);
const streamOf = (pattern) => `evt:{${pattern.slice(0, pattern.indexOf('.'))}}:${pattern}`;

/** @type {import('./support.cjs').Proc[]} */
const processes = [];

async function main() {
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  const redisProc = process.env.REDIS_URL ? null : await startRedis({ dir: path.join(dir, 'redis') });
  const mongoProc = process.env.MONGODB_URI ? null : await startMongo({ dir: path.join(dir, 'mongo') });
  if (redisProc) processes.push(redisProc);
  if (mongoProc) processes.push(mongoProc);
  const redisUrl = process.env.REDIS_URL ?? redisProc.url;
  const mongoUri = process.env.MONGODB_URI ?? mongoProc.uri;
  const suffix = Date.now().toString(36);
  const common = { NODE_ENV: 'production', LOG_LEVEL: 'warn', REDIS_URL: redisUrl, MONGODB_URI: mongoUri };
  const ports = { users: await freePort(), oauth: await freePort(), statistics: await freePort(), gateway: await freePort() };
  const statisticsDb = `statistics_${suffix}`;
  const usersExtra = await usersServiceEnv(processes, dir);
  processes.push(await startApp('users', { env: { ...common, ...usersExtra, USERS_DB_NAME: `users_${suffix}`, HEALTH_PORT: String(ports.users), ADMIN_EMAIL: ADMIN.email, ADMIN_PASSWORD: ADMIN.password }, healthPort: ports.users, logFile: path.join(dir, 'users.log') }));
  processes.push(await startApp('oauth', { env: { ...common, OAUTH_DB_NAME: `oauth_${suffix}`, HEALTH_PORT: String(ports.oauth), KEY_ENCRYPTION_KEY: randomBytes(32).toString('base64') }, healthPort: ports.oauth, logFile: path.join(dir, 'oauth.log') }));
  processes.push(await startApp('statistics', { env: { ...common, STATISTICS_DB_NAME: statisticsDb, HEALTH_PORT: String(ports.statistics) }, healthPort: ports.statistics, logFile: path.join(dir, 'statistics.log') }));
  processes.push(
    await startApp('console-gateway', {
      env: { ...common, PORT: String(ports.gateway), HOST: '127.0.0.1', METRICS_PORT: String(await freePort()), RATE_LIMIT_PER_IP: '1000000', CONSOLE_DIR: '', DOWNSTREAM_SERVICES: 'users,oauth,statistics' },
      healthPort: ports.gateway,
      logFile: path.join(dir, 'gateway.log'),
    }),
  );
  const rss = new RssWatch(processes);
  const api = `http://127.0.0.1:${ports.gateway}/api/v1`;
  const { accessToken } = await (await fetch(`${api}/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(ADMIN) })).json();
  const auth = { authorization: `Bearer ${accessToken}` };
  const redis = new Redis(redisUrl);
  const db = await mongoose.createConnection(mongoUri, { dbName: statisticsDb }).asPromise();
  process.stdout.write(`site11 statistics benchmark (${QUICK ? 'quick' : 'full'}): ${os.cpus().length} cores, Node ${process.version}\n`);

  // let the events of the start (the admin's registration and sign-in) settle
  await new Promise((resolve) => setTimeout(resolve, 3000));
  const now = Date.now();
  const counted = async (pattern) => {
    const answer = await (await fetch(`${api}/statistics/series?${new URLSearchParams({ metric: pattern, from: new Date(now - 6 * DAY).toISOString(), to: new Date(now + 2 * HOUR).toISOString(), interval: 'hour' })}`, { headers: auth })).json();
    if (!answer.points) throw new Error(`series of ${pattern}: ${JSON.stringify(answer)}`);
    return answer.points.reduce((sum, point) => sum + point.value, 0);
  };
  const groupsDrained = async () => {
    for (const kind of KINDS) {
      const groups = /** @type {unknown[][]} */ (await redis.xinfo('GROUPS', streamOf(kind.pattern)));
      const group = groups.map((fields) => Object.fromEntries(Array.from({ length: fields.length / 2 }, (_, i) => [fields[2 * i], fields[2 * i + 1]]))).find((g) => g['name'] === 'statistics');
      if (!group || Number(group['pending']) !== 0 || Number(group['lag']) !== 0) return false;
    }
    return true;
  };
  /** Events stored but not rolled up (the pending windows statistics has not dropped yet). */
  const pendingCount = async () => {
    let count = 0;
    for (const { name } of await db.db.listCollections({ name: { $regex: '^pending_' } }, { nameOnly: true }).toArray()) count += await db.collection(name).countDocuments({});
    return count;
  };
  /** Appends `count` events, `at(i)` their event time; counts them into `expected`. */
  const emit = async (count, at, expected) => {
    for (let start = 0; start < count; start += 1000) {
      const pipeline = redis.pipeline();
      for (let i = start; i < Math.min(count, start + 1000); i++) {
        const kind = kindOf(i);
        if (expected) expected[kind.pattern]++;
        const metadata = { requestId: `bench-${i}`, eventId: randomUUID(), caller: 'bench', occurredAt: new Date(at(i)).toISOString() };
        pipeline.xadd(streamOf(kind.pattern), '*', 'pattern', kind.pattern, 'data', JSON.stringify({ data: kind.data(i), metadata }));
      }
      await pipeline.exec();
    }
  };

  // history for the queries: one event a minute over the last 5 days (inside the 6-day late window), counted first
  await emit(HISTORY, (i) => now - DAY / 24 - i * 60_000);
  await waitFor(groupsDrained, { what: 'statistics to store the history', timeoutMs: 20 * 60_000, intervalMs: 200 });
  await waitFor(async () => (await pendingCount()) === 0, { what: 'the history to be rolled up', timeoutMs: 20 * 60_000, intervalMs: 200 });
  const baseline = Object.fromEntries(await Promise.all(KINDS.map(async (kind) => [kind.pattern, await counted(kind.pattern)])));

  // the ingest: events as they happen, appended as fast as Redis takes them
  rss.reset();
  const cpuBefore = Object.fromEntries(processes.map((p) => [p.name, cpuMsOf(p.child.pid)]));
  const started = performance.now();
  const expected = Object.fromEntries(KINDS.map((kind) => [kind.pattern, 0]));
  await emit(EVENTS, () => Date.now(), expected);
  const emittedMs = performance.now() - started;

  await waitFor(groupsDrained, { what: 'statistics to store every event', timeoutMs: 20 * 60_000, intervalMs: 100 });
  const storedMs = performance.now() - started;
  await waitFor(async () => (await pendingCount()) === 0, { what: 'the rollup to reach every event', timeoutMs: 20 * 60_000, intervalMs: 100 });
  const rolledMs = performance.now() - started;
  const cpuMs = Object.fromEntries(processes.map((p) => [p.name, Math.round(cpuMsOf(p.child.pid) - cpuBefore[p.name])]));
  const ingestRss = rss.peak();
  const totals = Object.fromEntries(await Promise.all(KINDS.map(async (kind) => [kind.pattern, (await counted(kind.pattern)) - baseline[kind.pattern]])));
  const exact = KINDS.every((kind) => totals[kind.pattern] === expected[kind.pattern]);
  const ingest = {
    events: EVENTS,
    emitSeconds: Math.round(emittedMs / 100) / 10,
    storedSeconds: Math.round(storedMs / 100) / 10,
    eventsPerSecond: Math.round(EVENTS / (storedMs / 1000)),
    rolledUpSeconds: Math.round(rolledMs / 100) / 10,
    lagAfterEmitSeconds: Math.round((rolledMs - emittedMs) / 100) / 10,
    cpuMsPerEvent: Object.fromEntries(Object.entries(cpuMs).map(([name, ms]) => [name, Math.round((ms / EVENTS) * 1000) / 1000])),
    peakRssMb: ingestRss,
    exact,
    expected,
    totals,
  };
  process.stdout.write(`ingest: ${JSON.stringify(ingest)}\n`);

  const queries = [];
  for (const [label, interval, span] of /** @type {[string, string, number][]} */ ([
    ['24 h of minute buckets (1,440 points)', 'minute', DAY],
    ['7 days of hour buckets (168 points)', 'hour', 7 * DAY],
    ['7 days of hours grouped by owner (50 owners)', 'hour', 7 * DAY],
  ])) {
    const times = hdr.build({ lowestDiscernibleValue: 1, highestTrackableValue: 600_000_000, numberOfSignificantValueDigits: 3 });
    let errors = 0;
    let points = 0;
    const end = Math.floor(Date.now() / HOUR) * HOUR + HOUR;
    const params = { metric: 'oauth.login.succeeded', from: new Date(end - span).toISOString(), to: new Date(end).toISOString(), interval, ...(label.includes('owner') ? { groupBy: 'owner' } : {}) };
    for (let i = 0; i < QUERIES; i++) {
      const t0 = performance.now();
      const answer = await fetch(`${api}/statistics/series?${new URLSearchParams(params)}`, { headers: auth });
      const body = await answer.json();
      if (answer.status !== 200) errors++;
      else points = body.points?.length ?? body.series?.reduce((sum, group) => sum + group.points.length, 0) ?? 0;
      times.recordValue(Math.max(1, Math.round((performance.now() - t0) * 1000)));
    }
    queries.push({ label, points, requests: QUERIES, errors, ...stats(times) });
    process.stdout.write(`query: ${JSON.stringify(queries[queries.length - 1])}\n`);
  }
  rss.stop();
  redis.disconnect();
  await db.close();
  for (const proc of [...processes].reverse()) await proc.stop();

  const targets = [
    ['every event counted exactly once', exact, KINDS.map((kind) => `${kind.pattern} ${totals[kind.pattern]}/${expected[kind.pattern]}`).join(', ')],
    ['series queries: no errors', queries.every((q) => q.errors === 0), queries.map((q) => q.errors).join(', ')],
    ['peak RSS of statistics ≤ 250 MB', (ingestRss['statistics'] ?? 0) <= 250, `${ingestRss['statistics']} MB`],
  ].map(([target, met, value]) => ({ target, met, value }));
  const report = { date: new Date().toISOString(), mode: QUICK ? 'quick' : 'full', machine: { cores: os.cpus().length, cpu: os.cpus()[0]?.model, node: process.version }, ingest, queries, targets };
  const md = [
    `# Statistics benchmark ${report.date} (${report.mode})`,
    '',
    `Machine: ${report.machine.cores} cores (${report.machine.cpu}), Node ${report.machine.node}. Load generator, Redis, FerretDB and all apps share it.`,
    '',
    `Ingest: ${EVENTS} events appended straight to four event streams in ${ingest.emitSeconds} s (as they happen, after a history of one event a minute over 5 days for the queries). Every one stored and acknowledged after ${ingest.storedSeconds} s: **${ingest.eventsPerSecond} events/s**. Every one rolled up into buckets after ${ingest.rolledUpSeconds} s: a lag of ${ingest.lagAfterEmitSeconds} s after the last was appended.`,
    '',
    '| process | CPU ms per event | peak RSS MB |',
    '|---|---:|---:|',
    ...Object.keys(ingest.cpuMsPerEvent).map((name) => `| ${name} | ${ingest.cpuMsPerEvent[name]} | ${ingestRss[name] ?? '-'} |`),
    '',
    '| series query (through the gateway) | points | p50 ms | p95 ms | errors |',
    '|---|---:|---:|---:|---:|',
    ...queries.map((q) => `| ${q.label} | ${q.points} | ${q.p50} | ${q.p95} | ${q.errors} |`),
    '',
    ...targetTable(targets),
    '',
  ].join('\n');
  writeReport('statistics', report, md);
  process.stdout.write(`\n${md}\n`);
}

runBench(main, processes);
