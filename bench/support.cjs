// @ts-check
/**
 * What the focused benchmarks (images.cjs, data.cjs) share: peak-RSS sampling and CPU time of
 * the processes they start, latency percentiles, and writing a report to bench/results.
 */
const fs = require('node:fs');
const path = require('node:path');
const { ROOT } = require('../tools/platform/platform.cjs');

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

module.exports = { RssWatch, cpuMsOf, rssOf, runBench, stats, targetTable, writeReport };
