// Post-build budget of the console: the JavaScript a browser must load before the first screen,
// i.e. the entry chunk plus every chunk index.html modulepreloads, gzipped, must stay within
// BUDGET_KB. Route screens are code-split (React.lazy) and load on demand, so they do not count.
//
// usage: node check-budget.mjs <dist directory>
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { gzipSync } from 'node:zlib';

const BUDGET_KB = 200;
const dist = process.argv[2];
if (!dist) {
  console.error('usage: node check-budget.mjs <dist directory>');
  process.exit(2);
}

const html = await readFile(path.join(dist, 'index.html'), 'utf8');
const attribute = (tag, name) => new RegExp(`\\s${name}="([^"]+)"`).exec(tag)?.[1];
const tags = html.match(/<(script|link)\b[^>]*>/g) ?? [];
const initial = new Set();
for (const tag of tags) {
  if (tag.startsWith('<script') && attribute(tag, 'type') === 'module' && attribute(tag, 'src')) {
    initial.add(attribute(tag, 'src'));
  } else if (tag.startsWith('<link') && attribute(tag, 'rel') === 'modulepreload' && attribute(tag, 'href')) {
    initial.add(attribute(tag, 'href'));
  }
}
if (html.match(/<script\b(?![^>]*\ssrc=)[^>]*>/)) {
  console.error('index.html has an inline script: the gateway CSP (script-src \'self\') would block it');
  process.exit(1);
}
if (initial.size === 0) {
  console.error(`no entry script found in ${path.join(dist, 'index.html')}`);
  process.exit(1);
}

const kb = (bytes) => (bytes / 1024).toFixed(1);
let total = 0;
for (const url of initial) {
  const code = await readFile(path.join(dist, url.replace(/^\//, '')));
  const gzipped = gzipSync(code, { level: 9 }).length;
  total += gzipped;
  console.log(`  ${url}  ${kb(code.length)} KB raw, ${kb(gzipped)} KB gzipped`);
}
const verdict = total <= BUDGET_KB * 1024 ? 'within' : 'OVER';
console.log(`initial JS: ${kb(total)} KB gzipped (${initial.size} files), budget ${BUDGET_KB} KB: ${verdict}`);
if (verdict === 'OVER') process.exit(1);
