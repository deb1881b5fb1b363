// @ts-check
/**
 * `GET /api/v1/dashboard` under a steady load, against a platform that is already running:
 *
 *   node bench/dashboard.cjs <baseUrl> <token> [requests] [concurrency]
 *
 * `baseUrl` is the gateway's origin (http://127.0.0.1:3000) or its API root (…/api/v1); `token`
 * an access token (an admin's gets every section). Prints the result as JSON.
 *
 * The claim it checks (docs/dashboard.md): the gateway adds almost nothing to its slowest section,
 * latency p95 ≤ slowestSectionP95 + 2 ms, where slowestSectionP95 is the p95 over requests of the
 * largest `tookMs` of the response's sections. `overheadP95` is the p95 of that difference per
 * request. Latency is measured around each whole response (headers and body), on kept-alive
 * connections (undici, one per concurrent request) so the client's own cost stays small.
 */
const { Agent, request } = require('undici');

/** Nearest-rank percentile of ascending `sorted`. */
function percentile(sorted, p) {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

const round = (ms) => Math.round(ms * 100) / 100;

function dashboardUrl(baseUrl) {
  const base = baseUrl.replace(/\/+$/, '');
  return /\/api\/v1$/.test(base) ? `${base}/dashboard` : `${base}/api/v1/dashboard`;
}

/**
 * Calls the dashboard `requests` times, at most `concurrency` at once, after a short warm-up
 * (`concurrency × 2` calls, not counted). Latencies and sections are of 200 responses; anything
 * else, or a connection failure, counts in `errors`. `partial` counts 200s with a section in error.
 *
 * @param {{ baseUrl: string, token: string, requests?: number, concurrency?: number }} options
 * @returns {Promise<{ p50: number, p95: number, p99: number, errors: number, slowestSectionP95: number, overheadP95: number, partial: number, requests: number }>}
 */
async function benchDashboard({ baseUrl, token, requests = 400, concurrency = 8 }) {
  const url = dashboardUrl(baseUrl);
  const dispatcher = new Agent({ connections: concurrency, keepAliveTimeout: 30_000 });
  const headers = { authorization: `Bearer ${token}` };
  /** @type {number[]} */ const latencies = [];
  /** @type {number[]} */ const slowest = [];
  /** @type {number[]} */ const overheads = [];
  let errors = 0;
  let partial = 0;

  async function one(record) {
    const started = performance.now();
    try {
      const response = await request(url, { method: 'GET', headers, dispatcher });
      const text = await response.body.text();
      const ms = performance.now() - started;
      if (!record) return;
      if (response.statusCode !== 200) {
        errors++;
        return;
      }
      const sections = Object.values(JSON.parse(text).sections ?? {});
      const slowestMs = Math.max(0, ...sections.map((section) => Number(section.tookMs) || 0));
      if (sections.some((section) => section.error)) partial++;
      latencies.push(ms);
      slowest.push(slowestMs);
      overheads.push(ms - slowestMs);
    } catch {
      if (record) errors++;
    }
  }

  async function run(total, record) {
    let next = 0;
    const worker = async () => {
      while (next < total) {
        next++;
        await one(record);
      }
    };
    await Promise.all(Array.from({ length: Math.min(concurrency, total) }, worker));
  }

  try {
    await run(concurrency * 2, false);
    await run(requests, true);
  } finally {
    await dispatcher.close();
  }
  const sorted = (values) => [...values].sort((a, b) => a - b);
  const byLatency = sorted(latencies);
  return {
    p50: round(percentile(byLatency, 50)),
    p95: round(percentile(byLatency, 95)),
    p99: round(percentile(byLatency, 99)),
    errors,
    slowestSectionP95: round(percentile(sorted(slowest), 95)),
    overheadP95: round(percentile(sorted(overheads), 95)),
    partial,
    requests,
  };
}

module.exports = { benchDashboard };

if (require.main === module) {
  const [baseUrl, token, requests, concurrency] = process.argv.slice(2);
  if (!baseUrl || !token) {
    process.stderr.write('usage: node bench/dashboard.cjs <baseUrl> <token> [requests=400] [concurrency=8]\n');
    process.exit(2);
  }
  benchDashboard({
    baseUrl,
    token,
    ...(requests ? { requests: Number(requests) } : {}),
    ...(concurrency ? { concurrency: Number(concurrency) } : {}),
  }).then(
    (result) => {
      process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
      const met = result.p95 <= result.slowestSectionP95 + 2;
      process.stdout.write(`latency p95 ${result.p95} ms ${met ? '≤' : '>'} slowest section p95 ${result.slowestSectionP95} ms + 2 ms\n`);
    },
    (error) => {
      process.stderr.write(`${error?.stack ?? error}\n`);
      process.exit(1);
    },
  );
}
