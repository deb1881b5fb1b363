// @ts-check
/**
 * `npm run bench:data`: the data service as a user drives it through the gateway. Starts its own
 * Redis and FerretDB (or REDIS_URL / MONGODB_URI), users, oauth, data and the gateway; generates
 * CSV files of 10,000 and 100,000 rows × 10 columns on disk, imports each through the gateway
 * (streamed request body, then the job polled to its end), sampling the peak RSS of every process
 * during each import; exports the 100,000-row dataset as CSV (MB/s, peak RSS); runs a filtered,
 * sorted rows query (p50/p95). Writes bench/results/data-<time>.{json,md} and data-latest.md.
 */
const hdr = require('hdr-histogram-js');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { randomBytes } = require('node:crypto');
const { DATA_DIR, freePort, startApp, startMongo, startRedis } = require('../tools/platform/platform.cjs');
const { RssWatch, cpuMsOf, runBench, stats, targetTable, usersServiceEnv, writeReport } = require('./support.cjs');

const QUICK = process.argv.includes('--quick');
const SIZES = QUICK ? [2_000, 20_000] : [10_000, 100_000];
const QUERIES = QUICK ? 5 : 20;
const ADMIN = { email: 'bench-admin@bench.test', password: 'bench-admin-password' };
const dir = path.join(DATA_DIR, 'bench-data');
const CITIES = ['Seoul', 'Busan', 'Incheon', 'Daegu', 'Daejeon', 'Gwangju', 'Ulsan', 'Jeju'];

/** @type {import('./support.cjs').Proc[]} */
const processes = [];

/** A CSV of `rows` rows × 10 typed columns, written to disk in chunks (never whole in memory). */
async function writeCsv(file, rows) {
  const out = fs.createWriteStream(file);
  const write = (text) => (out.write(text) ? Promise.resolve() : new Promise((resolve) => out.once('drain', resolve)));
  await write('id,name,email,age,score,city,active,joined,updated,note\n');
  let chunk = '';
  for (let i = 1; i <= rows; i++) {
    const day = String((i % 28) + 1).padStart(2, '0');
    chunk += `${i},Person ${i},person${i}@example.com,${18 + (i % 60)},${((i * 7919) % 10000) / 100},${CITIES[i % CITIES.length]},${i % 3 === 0},2024-0${(i % 9) + 1}-${day},2024-05-${day}T10:${String(i % 60).padStart(2, '0')}:00Z,"note, with a comma ${i}"\n`;
    if (chunk.length > 256 * 1024) {
      await write(chunk);
      chunk = '';
    }
  }
  await write(chunk);
  await new Promise((resolve) => out.end(resolve));
  return fs.statSync(file).size;
}

async function main() {
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  const redis = process.env.REDIS_URL ? null : await startRedis({ dir: path.join(dir, 'redis') });
  const mongo = process.env.MONGODB_URI ? null : await startMongo({ dir: path.join(dir, 'mongo') });
  if (redis) processes.push(redis);
  if (mongo) processes.push(mongo);
  const suffix = Date.now().toString(36);
  const common = { NODE_ENV: 'production', LOG_LEVEL: 'warn', REDIS_URL: process.env.REDIS_URL ?? redis.url, MONGODB_URI: process.env.MONGODB_URI ?? mongo.uri };
  const ports = { users: await freePort(), oauth: await freePort(), data: await freePort(), gateway: await freePort() };
  const usersExtra = await usersServiceEnv(processes, dir);
  processes.push(await startApp('users', { env: { ...common, ...usersExtra, USERS_DB_NAME: `users_${suffix}`, HEALTH_PORT: String(ports.users), ADMIN_EMAIL: ADMIN.email, ADMIN_PASSWORD: ADMIN.password }, healthPort: ports.users, logFile: path.join(dir, 'users.log') }));
  processes.push(await startApp('oauth', { env: { ...common, OAUTH_DB_NAME: `oauth_${suffix}`, HEALTH_PORT: String(ports.oauth), KEY_ENCRYPTION_KEY: randomBytes(32).toString('base64') }, healthPort: ports.oauth, logFile: path.join(dir, 'oauth.log') }));
  processes.push(await startApp('data', { env: { ...common, DATA_DB_NAME: `data_${suffix}`, HEALTH_PORT: String(ports.data), DATA_SPOOL_DIR: path.join(dir, 'spool') }, healthPort: ports.data, logFile: path.join(dir, 'data.log') }));
  processes.push(
    await startApp('console-gateway', {
      env: { ...common, PORT: String(ports.gateway), HOST: '127.0.0.1', METRICS_PORT: String(await freePort()), DATA_URL: `http://127.0.0.1:${ports.data}`, RATE_LIMIT_PER_IP: '1000000', CONSOLE_DIR: '', DOWNSTREAM_SERVICES: 'users,oauth,data' },
      healthPort: ports.gateway,
      logFile: path.join(dir, 'gateway.log'),
    }),
  );
  const rss = new RssWatch(processes);
  const api = `http://127.0.0.1:${ports.gateway}/api/v1`;
  const { accessToken } = await (await fetch(`${api}/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(ADMIN) })).json();
  const auth = { authorization: `Bearer ${accessToken}` };
  process.stdout.write(`site11 data benchmark (${QUICK ? 'quick' : 'full'}): ${os.cpus().length} cores, Node ${process.version}\n`);

  const imports = [];
  let lastDataset = '';
  for (const rows of SIZES) {
    const file = path.join(dir, `rows-${rows}.csv`);
    const bytes = await writeCsv(file, rows);
    const { id } = await (await fetch(`${api}/data/datasets`, { method: 'POST', headers: { ...auth, 'content-type': 'application/json' }, body: JSON.stringify({ name: `bench ${rows}` }) })).json();
    lastDataset = id;
    rss.reset();
    const cpuBefore = Object.fromEntries(processes.map((p) => [p.name, cpuMsOf(p.child.pid)]));
    const started = performance.now();
    const accepted = await fetch(`${api}/data/datasets/${id}/imports`, {
      method: 'POST',
      headers: { ...auth, 'content-type': 'text/csv', 'content-length': String(bytes) },
      body: /** @type {any} */ (fs.createReadStream(file)),
      duplex: 'half',
    });
    if (accepted.status !== 202) throw new Error(`import of ${rows} rows: ${accepted.status} ${await accepted.text()}`);
    const uploadedMs = performance.now() - started;
    const { jobId } = await accepted.json();
    let job;
    for (;;) {
      job = await (await fetch(`${api}/data/datasets/${id}/imports/${jobId}`, { headers: auth })).json();
      if (job.status === 'completed' || job.status === 'failed') break;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    const seconds = (performance.now() - started) / 1000;
    const result = {
      rows,
      mb: Math.round((bytes / 1e6) * 10) / 10,
      status: job.status,
      rowsImported: job.rowsImported,
      uploadSeconds: Math.round(uploadedMs / 100) / 10,
      seconds: Math.round(seconds * 10) / 10,
      rowsPerSecond: Math.round(rows / seconds),
      peakRssMb: rss.peak(),
      cpuMsPerRow: Object.fromEntries(processes.map((p) => [p.name, Math.round(((cpuMsOf(p.child.pid) - cpuBefore[p.name]) / rows) * 1000) / 1000])),
    };
    imports.push(result);
    process.stdout.write(`import: ${JSON.stringify(result)}\n`);
  }

  rss.reset();
  const cpuBeforeExport = Object.fromEntries(processes.map((p) => [p.name, cpuMsOf(p.child.pid)]));
  const exportStarted = performance.now();
  const exported = await fetch(`${api}/data/datasets/${lastDataset}/export?format=csv`, { headers: auth });
  let exportBytes = 0;
  for await (const chunk of /** @type {any} */ (exported.body)) exportBytes += chunk.length;
  const exportSeconds = (performance.now() - exportStarted) / 1000;
  const exportResult = { status: exported.status, mb: Math.round((exportBytes / 1e6) * 10) / 10, seconds: Math.round(exportSeconds * 10) / 10, mbPerSecond: Math.round((exportBytes / 1e6 / exportSeconds) * 10) / 10, peakRssMb: rss.peak(), cpuMs: Object.fromEntries(processes.map((p) => [p.name, Math.round(cpuMsOf(p.child.pid) - cpuBeforeExport[p.name])])) };
  process.stdout.write(`export: ${JSON.stringify(exportResult)}\n`);

  const queryTimes = hdr.build({ lowestDiscernibleValue: 1, highestTrackableValue: 600_000_000, numberOfSignificantValueDigits: 3 });
  const query = `${api}/data/datasets/${lastDataset}/rows?filter=${encodeURIComponent('age=ge=30;city==Seoul')}&sort=-score&limit=50`;
  let queryErrors = 0;
  for (let i = 0; i < QUERIES; i++) {
    const t0 = performance.now();
    const answer = await fetch(query, { headers: auth });
    await answer.arrayBuffer();
    if (answer.status !== 200) queryErrors++;
    queryTimes.recordValue(Math.max(1, Math.round((performance.now() - t0) * 1000)));
  }
  const queries = { rows: SIZES[SIZES.length - 1], requests: QUERIES, errors: queryErrors, ...stats(queryTimes) };
  process.stdout.write(`query: ${JSON.stringify(queries)}\n`);
  rss.stop();
  for (const proc of [...processes].reverse()) await proc.stop();

  const [small, large] = imports;
  const growth = (name) => Math.round(((large.peakRssMb[name] ?? 0) / Math.max(1, small.peakRssMb[name] ?? 1) - 1) * 100);
  const targets = [
    ['every import completes', imports.every((i) => i.status === 'completed' && i.rowsImported === i.rows), imports.map((i) => `${i.rows}: ${i.status}`).join(', ')],
    ['peak RSS of data ≤ 250 MB', Math.max(...imports.map((i) => i.peakRssMb['data'] ?? 0), exportResult.peakRssMb['data'] ?? 0) <= 250, `${Math.max(...imports.map((i) => i.peakRssMb['data'] ?? 0), exportResult.peakRssMb['data'] ?? 0)} MB`],
    ['peak RSS of the gateway ≤ 250 MB', Math.max(...imports.map((i) => i.peakRssMb['console-gateway'] ?? 0), exportResult.peakRssMb['console-gateway'] ?? 0) <= 250, `${Math.max(...imports.map((i) => i.peakRssMb['console-gateway'] ?? 0), exportResult.peakRssMb['console-gateway'] ?? 0)} MB`],
    [`data RSS, ${large.rows} vs ${small.rows} rows, within 20 %`, growth('data') <= 20, `${growth('data')} %`],
    [`gateway RSS, ${large.rows} vs ${small.rows} rows, within 20 %`, growth('console-gateway') <= 20, `${growth('console-gateway')} %`],
    ['rows query: no errors', queryErrors === 0, `${queryErrors}`],
  ].map(([target, met, value]) => ({ target, met, value }));
  const report = { date: new Date().toISOString(), mode: QUICK ? 'quick' : 'full', machine: { cores: os.cpus().length, cpu: os.cpus()[0]?.model, node: process.version }, imports, export: exportResult, queries, targets };
  const md = [
    `# Data benchmark ${report.date} (${report.mode})`,
    '',
    `Machine: ${report.machine.cores} cores (${report.machine.cpu}), Node ${report.machine.node}. Load generator, Redis, FerretDB and all apps share it.`,
    '',
    '| import (CSV, 10 columns) | MB | upload s | total s | rows/s | peak RSS data MB | peak RSS gateway MB | CPU ms/row data | CPU ms/row FerretDB |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|',
    ...imports.map((i) => `| ${i.rows} rows | ${i.mb} | ${i.uploadSeconds} | ${i.seconds} | ${i.rowsPerSecond} | ${i.peakRssMb['data']} | ${i.peakRssMb['console-gateway']} | ${i.cpuMsPerRow['data']} | ${i.cpuMsPerRow['mongo'] ?? i.cpuMsPerRow['ferretdb'] ?? '-'} |`),
    '',
    `Export of ${large.rows} rows as CSV: ${exportResult.mb} MB in ${exportResult.seconds} s (${exportResult.mbPerSecond} MB/s); peak RSS data ${exportResult.peakRssMb['data']} MB, gateway ${exportResult.peakRssMb['console-gateway']} MB; CPU ms: ${Object.entries(exportResult.cpuMs).map(([k, v]) => `${k} ${v}`).join(', ')}.`,
    '',
    `Rows query on ${queries.rows} rows (filter \`age=ge=30;city==Seoul\`, sort \`-score\`, 50 rows), ${QUERIES} requests one after another: p50 ${queries.p50} ms, p95 ${queries.p95} ms, ${queryErrors} errors.`,
    '',
    ...targetTable(targets),
    '',
  ].join('\n');
  writeReport('data', report, md);
  process.stdout.write(`\n${md}\n`);
}

runBench(main, processes);
