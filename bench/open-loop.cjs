#!/usr/bin/env node
'use strict';
/**
 * Runs `openLoop` (bench/support.cjs) in a process of its own and prints its outcome and every
 * latency (µs) as one JSON line. The bench's main process has just driven autocannon at full
 * speed and holds its garbage: a collection there, while the fixed-rate load runs, would stall the
 * generator and count as the platform's latency (every latency counts from when its request was
 * due). A fresh process measures the platform, not the bench.
 *
 *   node bench/open-loop.cjs '{"url":"http://…","headers":{},"rate":500,"seconds":10,"connections":32}'
 */
const { openLoop } = require('./support.cjs');

if (require.main === module) {
  const options = JSON.parse(process.argv[2]);
  const latencies = [];
  openLoop({ ...options, record: (us) => latencies.push(us) }).then(
    (outcome) => process.stdout.write(`${JSON.stringify({ ...outcome, latencies })}\n`),
    (error) => {
      process.stderr.write(`${error?.stack ?? error}\n`);
      process.exit(1);
    },
  );
}

/**
 * `openLoop` in a child process: the same options, the latencies handed to `record` once it ends.
 * @param {{ url: string, headers?: Record<string, string>, rate: number, seconds: number, connections?: number, record: (us: number) => void }} options
 * @returns {Promise<{ seconds: number, errors: number, non2xx: number }>}
 */
function openLoopApart({ record, ...options }) {
  const { execFile } = require('node:child_process');
  return new Promise((resolve, reject) => {
    execFile(process.execPath, [__filename, JSON.stringify(options)], { maxBuffer: 256 * 1024 * 1024 }, (error, stdout) => {
      if (error) return reject(error);
      const { latencies, ...outcome } = JSON.parse(stdout);
      latencies.forEach(record);
      resolve(outcome);
    });
  });
}

module.exports = { openLoopApart };
