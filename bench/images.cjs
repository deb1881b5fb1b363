// @ts-check
/**
 * `npm run bench:images`: the images service under load, as a user's client would drive it.
 * Starts its own Redis and FerretDB (or REDIS_URL / MONGODB_URI), users, oauth, images and the
 * gateway; uploads distinct 1 MB JPEGs at concurrency 8 (throughput, p50/p95/p99), then fetches one
 * thumbnail already stored (warm) with autocannon at concurrency 8 (p99), sampling the RSS of every
 * process all along. Writes bench/results/images-<time>.{json,md} and images-latest.md.
 */
const autocannon = require('autocannon');
const hdr = require('hdr-histogram-js');
const sharp = require('sharp');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { randomBytes } = require('node:crypto');
const { DATA_DIR, freePort, startApp, startMongo, startRedis } = require('../tools/platform/platform.cjs');
const { RssWatch, cpuMsOf, runBench, stats, targetTable, usersServiceEnv, writeReport } = require('./support.cjs');

const QUICK = process.argv.includes('--quick');
const UPLOADS = QUICK ? 64 : 200;
const CONCURRENCY = 8;
const THUMB_SECONDS = QUICK ? 5 : 10;
/** Thumbnails per second in the latency run: a few gallery pages a second, well below saturation. */
const FIXED_RATE = 100;
const ADMIN = { email: 'bench-admin@bench.test', password: 'bench-admin-password' };
const dir = path.join(DATA_DIR, 'bench-images');

/** @type {{ name: string, child: import('node:child_process').ChildProcess, stop: (s?: NodeJS.Signals) => Promise<unknown> }[]} */
const processes = [];

/** A photo-like 1800×1200 JPEG of about 1 MB, different for each seed. */
async function photo(seed) {
  const width = 1800;
  const height = 1200;
  const pixels = Buffer.alloc(width * height * 3);
  const noise = randomBytes(width * height);
  for (let i = 0; i < width * height; i++) {
    const x = i % width;
    const y = (i / width) | 0;
    pixels[i * 3] = (x + seed * 7) & 0xff;
    pixels[i * 3 + 1] = (y + noise[i] / 6) & 0xff;
    pixels[i * 3 + 2] = ((x ^ y) + seed) & 0xff;
  }
  return sharp(pixels, { raw: { width, height, channels: 3 } }).jpeg({ quality: 92 }).toBuffer();
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
  const ports = { users: await freePort(), oauth: await freePort(), images: await freePort(), gateway: await freePort() };
  const usersExtra = await usersServiceEnv(processes, dir);
  processes.push(await startApp('users', { env: { ...common, ...usersExtra, USERS_DB_NAME: `users_${suffix}`, HEALTH_PORT: String(ports.users), ADMIN_EMAIL: ADMIN.email, ADMIN_PASSWORD: ADMIN.password }, healthPort: ports.users, logFile: path.join(dir, 'users.log') }));
  processes.push(await startApp('oauth', { env: { ...common, OAUTH_DB_NAME: `oauth_${suffix}`, HEALTH_PORT: String(ports.oauth), KEY_ENCRYPTION_KEY: randomBytes(32).toString('base64') }, healthPort: ports.oauth, logFile: path.join(dir, 'oauth.log') }));
  processes.push(await startApp('images', { env: { ...common, IMAGES_DB_NAME: `images_${suffix}`, HEALTH_PORT: String(ports.images) }, healthPort: ports.images, logFile: path.join(dir, 'images.log') }));
  processes.push(
    await startApp('console-gateway', {
      env: { ...common, PORT: String(ports.gateway), HOST: '127.0.0.1', METRICS_PORT: String(await freePort()), IMAGES_URL: `http://127.0.0.1:${ports.images}`, RATE_LIMIT_PER_IP: '1000000', CONSOLE_DIR: '', DOWNSTREAM_SERVICES: 'users,oauth,images' },
      healthPort: ports.gateway,
      logFile: path.join(dir, 'gateway.log'),
    }),
  );
  const rss = new RssWatch(processes);
  const api = `http://127.0.0.1:${ports.gateway}/api/v1`;
  const { accessToken } = await (await fetch(`${api}/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(ADMIN) })).json();
  const auth = { authorization: `Bearer ${accessToken}` };

  process.stdout.write(`site11 images benchmark (${QUICK ? 'quick' : 'full'}): ${os.cpus().length} cores, Node ${process.version}\nmaking ${UPLOADS} JPEGs...\n`);
  const files = [];
  for (let i = 0; i < UPLOADS; i++) files.push(await photo(i));
  const meanBytes = Math.round(files.reduce((sum, f) => sum + f.length, 0) / files.length);

  const upload = async (bytes, name) => {
    const form = new FormData();
    form.append('file', new Blob([bytes], { type: 'image/jpeg' }), name);
    const response = await fetch(`${api}/images`, { method: 'POST', body: form, headers: auth });
    return { status: response.status, body: await response.json() };
  };
  if (process.argv.includes('--hold')) {
    const { body } = await upload(await photo(1), 'held.jpg');
    process.stdout.write(`HOLD ${JSON.stringify({ api, images: `http://127.0.0.1:${ports.images}`, id: body.id, token: accessToken })}\n`);
    await new Promise((resolve) => setTimeout(resolve, 150_000));
  }
  // warm-up: the first decodes load libvips' code
  for (let i = 0; i < 2; i++) await upload(await photo(10_000 + i), `warm-${i}.jpg`);

  const cpuBefore = Object.fromEntries(processes.map((p) => [p.name, cpuMsOf(p.child.pid)]));
  const uploadTimes = hdr.build({ lowestDiscernibleValue: 1, highestTrackableValue: 600_000_000, numberOfSignificantValueDigits: 3 });
  let next = 0;
  let failures = 0;
  let firstId = '';
  const started = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < files.length) {
        const i = next++;
        const t0 = performance.now();
        const answer = await upload(files[i], `photo-${i}.jpg`);
        uploadTimes.recordValue(Math.max(1, Math.round((performance.now() - t0) * 1000)));
        if (answer.status !== 201) failures++;
        else if (!firstId) firstId = answer.body.id;
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  const cpuPerUpload = Object.fromEntries(processes.map((p) => [p.name, Math.round(((cpuMsOf(p.child.pid) - cpuBefore[p.name]) / files.length) * 10) / 10]));
  const uploads = { count: files.length, meanBytes, seconds: Math.round(seconds * 10) / 10, perSecond: Math.round((files.length / seconds) * 10) / 10, mbPerSecond: Math.round(((files.length * meanBytes) / 1e6 / seconds) * 10) / 10, failures, ...stats(uploadTimes), cpuMsPerUpload: cpuPerUpload };
  process.stdout.write(`uploads: ${JSON.stringify(uploads)}\n`);

  // what the database does on its own after the uploads (FerretDB: SQLite checkpoints, sweeps)
  const idleBefore = Object.fromEntries(processes.map((p) => [p.name, cpuMsOf(p.child.pid)]));
  await new Promise((resolve) => setTimeout(resolve, 5000));
  const idleCpuMsPerSecond = Object.fromEntries(processes.map((p) => [p.name, Math.round((cpuMsOf(p.child.pid) - idleBefore[p.name]) / 5)]));
  process.stdout.write(`idle for 5 s after the uploads, CPU ms per second: ${JSON.stringify(idleCpuMsPerSecond)}\n`);

  const thumbUrl = `${api}/images/${firstId}/content?variant=thumb`;
  await fetch(thumbUrl, { headers: auth }); // stored since the upload; this loads its path
  const thumbTimes = hdr.build({ lowestDiscernibleValue: 1, highestTrackableValue: 60_000_000, numberOfSignificantValueDigits: 3 });
  const cpuBeforeThumbs = Object.fromEntries(processes.map((p) => [p.name, cpuMsOf(p.child.pid)]));
  const run = autocannon({ url: thumbUrl, headers: auth, connections: CONCURRENCY, duration: THUMB_SECONDS });
  run.on('response', (_c, _s, _b, ms) => thumbTimes.recordValue(Math.max(1, Math.round(ms * 1000))));
  const result = await run;
  // one client fetching thumbnails one after another (a gallery being scrolled): latency without queueing
  const singleTimes = hdr.build({ lowestDiscernibleValue: 1, highestTrackableValue: 60_000_000, numberOfSignificantValueDigits: 3 });
  const { Agent, request } = require('undici');
  const agent = new Agent({ keepAliveTimeout: 10_000 });
  let singleErrors = 0;
  for (let i = 0; i < (QUICK ? 300 : 1000); i++) {
    const t0 = performance.now();
    const answer = await request(thumbUrl, { headers: auth, dispatcher: agent });
    await answer.body.arrayBuffer();
    if (answer.statusCode !== 200) singleErrors++;
    singleTimes.recordValue(Math.max(1, Math.round((performance.now() - t0) * 1000)));
  }
  await agent.close();
  const single = { requests: singleTimes.totalCount, errors: singleErrors, ...stats(singleTimes) };
  process.stdout.write(`thumbnails one at a time: ${JSON.stringify(single)}\n`);
  // and at a steady rate from 8 connections, as several users' gallery pages arrive
  const fixedTimes = hdr.build({ lowestDiscernibleValue: 1, highestTrackableValue: 60_000_000, numberOfSignificantValueDigits: 3 });
  const fixedRun = autocannon({ url: thumbUrl, headers: auth, connections: CONCURRENCY, duration: THUMB_SECONDS, overallRate: FIXED_RATE });
  fixedRun.on('response', (_c, _s, _b, ms) => fixedTimes.recordValue(Math.max(1, Math.round(ms * 1000))));
  const fixedResult = await fixedRun;
  const fixed = { rate: FIXED_RATE, requests: fixedTimes.totalCount, non2xx: fixedResult.non2xx, errors: fixedResult.errors + fixedResult.timeouts, ...stats(fixedTimes) };
  process.stdout.write(`thumbnails at ${FIXED_RATE} req/s: ${JSON.stringify(fixed)}\n`);
  const thumbCount = thumbTimes.totalCount;
  const thumbs = {
    requests: thumbCount,
    perSecond: Math.round(thumbCount / result.duration),
    non2xx: result.non2xx,
    errors: result.errors + result.timeouts,
    ...stats(thumbTimes),
    cpuMsPerRequest: Object.fromEntries(processes.map((p) => [p.name, Math.round(((cpuMsOf(p.child.pid) - cpuBeforeThumbs[p.name]) / Math.max(1, thumbCount)) * 1000) / 1000])),
  };
  process.stdout.write(`thumbnails: ${JSON.stringify(thumbs)}\n`);
  const peak = rss.peak();
  rss.stop();
  for (const proc of [...processes].reverse()) await proc.stop();

  const targets = [
    [`uploads at concurrency ${CONCURRENCY}: all 201`, failures === 0, `${failures} failed`],
    ['thumbnail, warm, one client: p99 ≤ 20 ms', single.p99 <= 20, `${single.p99} ms (p50 ${single.p50} ms)`],
    ['thumbnail: no errors', thumbs.non2xx + thumbs.errors + fixed.non2xx + fixed.errors + single.errors === 0, `${thumbs.non2xx + thumbs.errors + fixed.non2xx + fixed.errors + single.errors}`],
    ['peak RSS of images ≤ 250 MB', (peak.images ?? 0) <= 250, `${peak.images} MB`],
    ['peak RSS of the gateway ≤ 250 MB', (peak['console-gateway'] ?? 0) <= 250, `${peak['console-gateway']} MB`],
  ].map(([target, met, value]) => ({ target, met, value }));
  const report = { date: new Date().toISOString(), mode: QUICK ? 'quick' : 'full', machine: { cores: os.cpus().length, cpu: os.cpus()[0]?.model, node: process.version }, uploads, thumbs, thumbsOneClient: single, thumbsFixedRate: fixed, peakRssMb: peak, targets };
  const md = [
    `# Images benchmark ${report.date} (${report.mode})`,
    '',
    `Machine: ${report.machine.cores} cores (${report.machine.cpu}), Node ${report.machine.node}. Load generator, Redis, FerretDB and all apps share it.`,
    '',
    `Uploads: ${uploads.count} distinct JPEGs of ${(meanBytes / 1e6).toFixed(2)} MB (1800×1200), concurrency ${CONCURRENCY}: ${uploads.perSecond} uploads/s (${uploads.mbPerSecond} MB/s), p50 ${uploads.p50} ms, p95 ${uploads.p95} ms, p99 ${uploads.p99} ms, ${failures} failed.`,
    `CPU ms per upload: ${Object.entries(uploads.cpuMsPerUpload).map(([k, v]) => `${k} ${v}`).join(', ')}.`,
    '',
    `Thumbnail (stored WebP, warm), concurrency ${CONCURRENCY}, ${THUMB_SECONDS} s, as fast as it goes: ${thumbs.perSecond} req/s, p50 ${thumbs.p50} ms, p95 ${thumbs.p95} ms, p99 ${thumbs.p99} ms, ${thumbs.non2xx + thumbs.errors} errors.`,
    `Thumbnail, one client, one request after another (${single.requests}): p50 ${single.p50} ms, p95 ${single.p95} ms, p99 ${single.p99} ms.`,
    `Thumbnail at a steady ${FIXED_RATE} req/s from ${CONCURRENCY} connections: p50 ${fixed.p50} ms, p95 ${fixed.p95} ms, p99 ${fixed.p99} ms, ${fixed.non2xx + fixed.errors} errors.`,
    `CPU ms per thumbnail: ${Object.entries(thumbs.cpuMsPerRequest).map(([k, v]) => `${k} ${v}`).join(', ')}.`,
    '',
    '| process | peak RSS MB |',
    '|---|---:|',
    ...Object.entries(peak).map(([k, v]) => `| ${k} | ${v} |`),
    '',
    ...targetTable(targets),
    '',
  ].join('\n');
  writeReport('images', report, md);
  process.stdout.write(`\n${md}\n`);
}

runBench(main, processes);
