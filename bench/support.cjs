// @ts-check
/**
 * What the focused benchmarks (images.cjs, data.cjs) share: peak-RSS sampling and CPU time of
 * the processes they start, latency percentiles, and writing a report to bench/results.
 */
const fs = require('node:fs');
const path = require('node:path');
const { randomBytes } = require('node:crypto');
const { ROOT, startMailCatcher } = require('../tools/platform/platform.cjs');

/** @typedef {{ name: string, child: import('node:child_process').ChildProcess, stop: (s?: NodeJS.Signals) => Promise<unknown> }} Proc */

/** Resident set size of a process, bytes (0 when it is gone). */
function rssOf(pid) {
  try {
    const line = fs.readFileSync(`/proc/${pid}/status`, 'utf8').split('\n').find((l) => l.startsWith('VmRSS:'));
    return line ? Number(line.replace(/\D+/g, '')) * 1024 : 0;
  } catch {
    return 0;
  }
}

/** User + system CPU time of a process so far, ms. */
function cpuMsOf(pid) {
  const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
}

/** Samples the RSS of `processes` every 100 ms; `peak()` is the highest seen per name (MB) since the last `reset()`. */
class RssWatch {
  /** @param {Proc[]} processes */
  constructor(processes) {
    this.processes = processes;
    /** @type {Map<string, number>} */
    this.highest = new Map();
    this.timer = setInterval(() => this.sample(), 100);
  }
  sample() {
    for (const proc of this.processes) this.highest.set(proc.name, Math.max(this.highest.get(proc.name) ?? 0, rssOf(proc.child.pid)));
  }
  reset() {
    this.highest.clear();
    this.sample();
  }
  /** @returns {Record<string, number>} */
  peak() {
    this.sample();
    return Object.fromEntries([...this.highest].map(([name, bytes]) => [name, Math.round(bytes / 1048576)]));
  }
  stop() {
    clearInterval(this.timer);
  }
}

/** p50/p95/p99/max in ms of an hdr histogram recorded in µs. */
function stats(h) {
  const ms = (p) => Math.round(h.getValueAtPercentile(p)) / 1000;
  return { p50: ms(50), p95: ms(95), p99: ms(99), max: Math.round(h.maxValue) / 1000 };
}

/** Writes bench/results/<name>-<time>.{json,md} and <name>-latest.md. */
function writeReport(name, report, md) {
  const stamp = report.date.replace(/[:.]/g, '-');
  fs.mkdirSync(path.join(ROOT, 'bench/results'), { recursive: true });
  fs.writeFileSync(path.join(ROOT, `bench/results/${name}-${stamp}.json`), JSON.stringify(report, null, 2));
  fs.writeFileSync(path.join(ROOT, `bench/results/${name}-${stamp}.md`), md);
  fs.writeFileSync(path.join(ROOT, `bench/results/${name}-latest.md`), md);
}

/** `{ target, met, value }` rows as the markdown table every report ends with. */
function targetTable(targets) {
  return ['| target | met | measured |', '|---|---|---|', ...targets.map((t) => `| ${t.target} | ${t.met ? 'yes' : 'NO'} | ${t.value} |`)];
}

/** Runs a benchmark's main; on failure prints it, stops every process it started, and exits 1. */
function runBench(main, processes) {
  main().catch(async (error) => {
    process.stderr.write(`${error?.stack ?? error}\n`);
    for (const proc of [...processes].reverse()) await proc.stop().catch(() => undefined);
    process.exit(1);
  });
}

/**
 * An open-loop load at a fixed rate, requests evenly spaced (autocannon's `overallRate` sends
 * each second's requests in one burst, which measures the burst, not the rate). Each latency
 * (µs, to `record`) counts from when its request was due, so a slow answer never hides the
 * requests that should have left meanwhile (no coordinated omission).
 * @param {{ url: string, headers?: Record<string, string>, rate: number, seconds: number, connections?: number, record: (us: number) => void }} options
 */
async function openLoop({ url, headers = {}, rate, seconds, connections = 32, record }) {
  const { Pool } = require('undici');
  const target = new URL(url);
  const pool = new Pool(target.origin, { connections, pipelining: 1, keepAliveTimeout: 30_000 });
  let errors = 0;
  let non2xx = 0;
  const inFlight = new Set();
  const started = performance.now();
  const total = Math.round(rate * seconds);
  const intervalMs = 1000 / rate;
  let sent = 0;
  await new Promise((resolve) => {
    const tick = () => {
      const now = performance.now();
      while (sent < total && started + sent * intervalMs <= now) {
        const due = started + sent * intervalMs;
        sent++;
        const request = pool
          .request({ path: target.pathname + target.search, method: 'GET', headers })
          .then(async (response) => {
            await response.body.dump();
            if (response.statusCode < 200 || response.statusCode >= 300) non2xx++;
            record(Math.max(1, Math.round((performance.now() - due) * 1000)));
          })
          .catch(() => errors++)
          .finally(() => inFlight.delete(request));
        inFlight.add(request);
      }
      if (sent < total) setTimeout(tick, Math.max(0, started + sent * intervalMs - performance.now()));
      else resolve(undefined);
    };
    tick();
  });
  await Promise.all(inFlight);
  await pool.close();
  return { seconds: (performance.now() - started) / 1000, errors, non2xx };
}

/**
 * What the users service needs in production beside the shared settings: a mail server (a local
 * catcher, started here and added to `processes` so it stops with them) and a key to seal TOTP
 * secrets with. One call per bench, its result given to every users replica.
 * @param {Proc[]} processes
 * @param {string} dir
 */
async function usersServiceEnv(processes, dir) {
  const mail = await startMailCatcher({ logFile: path.join(dir, 'maildev.log') });
  processes.push(mail);
  return { SMTP_URL: mail.smtpUrl, MAIL_FROM: 'site11 bench <bench@site11.test>', KEY_ENCRYPTION_KEY: randomBytes(32).toString('base64') };
}

module.exports = { RssWatch, cpuMsOf, openLoop, rssOf, runBench, stats, targetTable, usersServiceEnv, writeReport };
