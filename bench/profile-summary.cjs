#!/usr/bin/env node
'use strict';
/**
 * Summarises a V8 `.cpuprofile` (as written by `CPU_PROF=1 node bench/cpu.cjs`): the share of busy
 * time by package (self time), the heaviest functions by self time, and, with `--inclusive <regex>`,
 * the share of busy time spent under each function whose name matches.
 *
 * With `--buckets`, each busy sample is put in one bucket by what is on its stack (the first that
 * matches, in the order listed: the database driver, the Redis client, validation, …), so that
 * socket writes and parsing count for the library that asked for them; else by the innermost
 * frame of Fastify, Nest or the app.
 *
 *   node bench/profile-summary.cjs .data/bench-cpu/profiles/CPU.….cpuprofile [--top 40] [--inclusive 'intercept|guard'] [--buckets]
 */
const fs = require('node:fs');

const args = process.argv.slice(2);
const file = args.find((a) => a.endsWith('.cpuprofile'));
if (!file) {
  console.error('usage: profile-summary.cjs <file.cpuprofile> [--top N] [--inclusive <regex>]');
  process.exit(2);
}
const top = args.includes('--top') ? Number(args[args.indexOf('--top') + 1]) : 40;
const inclusive = args.includes('--inclusive') ? new RegExp(args[args.indexOf('--inclusive') + 1]) : null;

const profile = JSON.parse(fs.readFileSync(file, 'utf8'));
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const parent = new Map();
for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);

const idle = new Set(['(idle)', '(program)']);
let busy = 0;
for (const n of profile.nodes) if (!idle.has(n.callFrame.functionName)) busy += n.hitCount ?? 0;

/** The package (or Node internal, or app) a frame belongs to. */
function packageOf(url) {
  if (!url) return '(native)';
  if (url.startsWith('node:')) return url.replace(/^node:(internal\/)?/, 'node:').split('/')[0];
  const nm = url.lastIndexOf('node_modules/');
  if (nm >= 0) {
    const rest = url.slice(nm + 'node_modules/'.length).split('/');
    return rest[0].startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0];
  }
  return url.includes('/dist/') ? 'app' : url;
}

const pct = (hits) => `${((100 * hits) / busy).toFixed(1)} %`;
const self = new Map();
const packages = new Map();
for (const n of profile.nodes) {
  const name = n.callFrame.functionName || '(anonymous)';
  if (idle.has(name) || !n.hitCount) continue;
  const pkg = packageOf(n.callFrame.url);
  const key = `${name}  ${pkg === 'app' ? n.callFrame.url.split('/dist/')[1] : pkg}:${n.callFrame.lineNumber + 1}`;
  self.set(key, (self.get(key) ?? 0) + n.hitCount);
  packages.set(pkg, (packages.get(pkg) ?? 0) + n.hitCount);
}

console.log(`${file}: ${busy} busy samples`);
console.log('\nself time by package');
for (const [k, v] of [...packages].sort((a, b) => b[1] - a[1]).slice(0, 25)) console.log(`  ${pct(v).padStart(7)}  ${k}`);
console.log('\nself time by function');
for (const [k, v] of [...self].sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(`  ${pct(v).padStart(7)}  ${k}`);

if (inclusive) {
  // A sample counts once for each matching function name on its stack.
  const totals = new Map();
  for (const n of profile.nodes) {
    if (!n.hitCount || idle.has(n.callFrame.functionName)) continue;
    const seen = new Set();
    for (let id = n.id; id !== undefined; id = parent.get(id)) {
      const f = byId.get(id).callFrame;
      const name = f.functionName || '(anonymous)';
      if (!inclusive.test(name)) continue;
      const key = `${name}  ${packageOf(f.url)}:${f.lineNumber + 1}`;
      if (seen.has(key)) continue;
      seen.add(key);
      totals.set(key, (totals.get(key) ?? 0) + n.hitCount);
    }
  }
  console.log(`\ninclusive time of functions matching ${inclusive}`);
  for (const [k, v] of [...totals].sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(`  ${pct(v).padStart(7)}  ${k}`);
}

if (args.includes('--buckets')) {
  /** [bucket, test of one frame]: the first bucket any frame of a sample's stack matches. */
  const buckets = [
    ['GC', (f) => f.functionName === '(garbage collector)'],
    ['module loading (start-up)', (f) => /^(wrapSafe|internalModuleStat|readFileUtf8|compileForInternalLoader|__webpack_require__)$/.test(f.functionName)],
    ['MongoDB driver and mongoose', (f) => /node_modules\/(mongodb|bson|mongoose)\//.test(f.url)],
    ['Redis client (ioredis)', (f) => /node_modules\/(ioredis|redis-parser|standard-as-callback)\//.test(f.url)],
    ['validation (class-validator, class-transformer)', (f) => /node_modules\/class-(validator|transformer)\//.test(f.url)],
    ['logging (pino)', (f) => /node_modules\/(pino|pino-http|nestjs-pino|sonic-boom)\//.test(f.url)],
    ['metrics (prom-client)', (f) => /node_modules\/prom-client\//.test(f.url)],
    ['tokens (jose, passport)', (f) => /node_modules\/(jose|passport|passport-jwt|@nestjs\/passport|jsonwebtoken)\//.test(f.url)],
  ];
  /** Otherwise, the innermost frame that names one of these: whose own code ran. */
  const leafBuckets = [
    ['HTTP (node http, Fastify, middie)', (f) => /node:_http|node_modules\/(fastify|@fastify|find-my-way|light-my-request|fast-json-stringify|secure-json-parse)/.test(f.url)],
    ['Nest and rxjs', (f) => /node_modules\/(@nestjs|rxjs|reflect-metadata)\//.test(f.url)],
    ['the app', (f) => f.url.includes('/dist/')],
  ];
  const totals = new Map();
  for (const n of profile.nodes) {
    if (!n.hitCount || idle.has(n.callFrame.functionName)) continue;
    const stack = [];
    for (let id = n.id; id !== undefined; id = parent.get(id)) stack.push(byId.get(id).callFrame);
    const bucket =
      buckets.find(([, test]) => stack.some(test))?.[0] ??
      stack.map((f) => leafBuckets.find(([, test]) => test(f))?.[0]).find(Boolean) ??
      'Node (timers, sockets, promises)';
    totals.set(bucket, (totals.get(bucket) ?? 0) + n.hitCount);
  }
  console.log('\nbusy time by bucket (a sample in the first bucket its stack matches)');
  for (const [k, v] of [...totals].sort((a, b) => b[1] - a[1])) console.log(`  ${pct(v).padStart(7)}  ${k}`);
}
