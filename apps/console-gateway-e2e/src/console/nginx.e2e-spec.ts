import { type ChildProcess, spawn } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { get } from 'node:http';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { largeJpeg } from '../support/image-fixtures';
import { freePort, ROOT, waitFor } from '../../../../tools/platform/platform.cjs';
import { Stack } from '../support/stack';

/**
 * docker/nginx/console.conf, as the console's container runs it, on a real nginx (Debian's; .ci/run
 * installs it): the console's files with their cache headers and policy, the SPA fallback, the
 * precompressed copies, and the API, probes and well-known documents proxied to a real gateway.
 * Only what the container sets differently is replaced: the port, the files' directory and the
 * gateway's address.
 */
const ASSET = `console.log("console");\n`.repeat(200);
const NGINX = process.env['NGINX_BIN'] ?? 'nginx';
let stack: Stack;
let work: string;
let nginx: ChildProcess;
let base: string;

/** console.conf with the container's three addresses replaced; each must be found. */
function siteConfig(port: number, root: string, gatewayUrl: string): string {
  let conf = readFileSync(join(ROOT, 'docker/nginx/console.conf'), 'utf-8');
  const replace = (from: string, to: string) => {
    if (!conf.includes(from)) throw new Error(`docker/nginx/console.conf no longer has "${from}"; update this test`);
    conf = conf.split(from).join(to);
  };
  replace('listen 8080;', `listen 127.0.0.1:${port};`);
  replace('root /usr/share/nginx/html;', `root ${root};`);
  replace('http://console-gateway:3000', gatewayUrl);
  return conf;
}

interface Raw {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

function raw(path: string, headers: Record<string, string> = {}): Promise<Raw> {
  return new Promise((resolve, reject) => {
    get(`${base}${path}`, { headers }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, headers: response.headers, body: Buffer.concat(chunks) }));
    }).on('error', reject);
  });
}

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'console-nginx-'));
  // nginx's workers run as an unprivileged user when the tests run as root: they must read the files
  chmodSync(work, 0o755);
  const html = join(work, 'html');
  mkdirSync(join(html, 'assets'), { recursive: true });
  writeFileSync(join(html, 'index.html'), '<!doctype html><html><head><script type="module" src="/assets/index-abc123.js"></script></head><body><div id="root"></div></body></html>');
  writeFileSync(join(html, 'assets', 'index-abc123.js'), ASSET);
  writeFileSync(join(html, 'assets', 'index-abc123.js.gz'), gzipSync(ASSET));

  // as in docker/: the gateway serves no files, nginx does
  stack = await Stack.start({ gatewayEnv: { CONSOLE_DIR: '' } });
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  const temp = (name: string) => `${name}_temp_path ${join(work, name)};`;
  writeFileSync(
    join(work, 'nginx.conf'),
    [
      'daemon off;',
      'worker_processes 1;',
      `pid ${join(work, 'nginx.pid')};`,
      `error_log ${join(work, 'error.log')} warn;`,
      'events { worker_connections 64; }',
      'http {',
      '  include /etc/nginx/mime.types;',
      '  default_type application/octet-stream;',
      '  access_log off;',
      `  ${['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'].map(temp).join('\n  ')}`,
      siteConfig(port, html, stack.gatewayUrl),
      '}',
    ].join('\n'),
  );
  nginx = spawn(NGINX, ['-p', work, '-c', join(work, 'nginx.conf')], { stdio: ['ignore', 'inherit', 'inherit'] });
  await waitFor(
    () =>
      new Promise<boolean>((resolve) => {
        const socket = connect(port, '127.0.0.1', () => {
          socket.destroy();
          resolve(true);
        }).on('error', () => resolve(false));
      }),
    { what: 'nginx', timeoutMs: 10_000, child: nginx },
  );
});

afterAll(async () => {
  nginx?.kill('SIGTERM');
  await stack?.stop();
  if (work) rmSync(work, { recursive: true, force: true });
});

describe('the console behind nginx (docker/nginx/console.conf)', () => {
  it('answers the console’s routes with index.html, never cached, under the strict policy', async () => {
    for (const path of ['/', '/login', '/users/665f1c2e8b3e4a0012345678']) {
      const response = await raw(path);
      expect({ path, status: response.status }).toEqual({ path, status: 200 });
      expect(response.headers['content-type']).toMatch(/text\/html/);
      expect(response.headers['cache-control']).toBe('no-cache');
      expect(response.headers['content-security-policy']).toContain("script-src 'self';");
      expect(response.headers['x-content-type-options']).toBe('nosniff');
      expect(response.headers['referrer-policy']).toBe('no-referrer');
      expect(response.body.toString()).toContain('<div id="root">');
    }
  });

  it('serves hashed assets cached for a year, the gzip copy to a browser that accepts it, and 404 for a missing one', async () => {
    const gzip = await raw('/assets/index-abc123.js', { 'accept-encoding': 'gzip' });
    expect(gzip.status).toBe(200);
    expect(gzip.headers['content-encoding']).toBe('gzip');
    expect(gunzipSync(gzip.body).toString()).toBe(ASSET);
    expect(gzip.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(gzip.headers['vary']).toMatch(/accept-encoding/i);
    expect(gzip.headers['x-content-type-options']).toBe('nosniff');
    expect(gzip.headers['referrer-policy']).toBe('no-referrer');
    const plain = await raw('/assets/index-abc123.js');
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(plain.body.toString()).toBe(ASSET);
    expect((await raw('/assets/missing-000000.js')).status).toBe(404);
  });

  it('hands the API, the probes and the well-known documents to the gateway', async () => {
    const unknown = await raw('/api/v1/nothing-here');
    expect(unknown.status).toBe(404);
    expect(JSON.parse(unknown.body.toString())).toMatchObject({ code: 'ROUTE_NOT_FOUND' });
    expect(unknown.headers['x-content-type-options']).toBe('nosniff');
    expect((await raw('/health/live')).status).toBe(200);
    const jwks = await raw('/.well-known/jwks.json');
    expect(jwks.status).toBe(200);
    expect(JSON.parse(jwks.body.toString()).keys.length).toBeGreaterThan(0);
    // the gateway's answer, with the request id nginx gave it
    expect(unknown.headers['x-request-id']).toMatch(/^[0-9a-f]{32}$/);
  });

  it('passes an image upload of several megabytes to the gateway as it streams, and the thumbnail back', async () => {
    const { accessToken } = await stack.signUp('nginx');
    const photo = await largeJpeg(11);
    expect(photo.length).toBeGreaterThan(1024 * 1024);
    const form = new FormData();
    form.append('file', new Blob([photo]), 'through-nginx.jpg');
    const uploaded = await fetch(`${base}/api/v1/images`, { method: 'POST', body: form, headers: { authorization: `Bearer ${accessToken}` } });
    expect(uploaded.status).toBe(201);
    const { id } = (await uploaded.json()) as { id: string };
    const thumb = await fetch(`${base}/api/v1/images/${id}/content?variant=thumb`, { headers: { authorization: `Bearer ${accessToken}` } });
    expect(thumb.status).toBe(200);
    expect(thumb.headers.get('content-type')).toBe('image/webp');
  });

  it('refuses an upload larger than nginx takes with the API’s own JSON error, IMAGES.TOO_LARGE', async () => {
    const { accessToken } = await stack.signUp('nginx-big');
    const form = new FormData();
    form.append('file', new Blob([Buffer.alloc(12 * 1024 * 1024, 1)]), 'big.jpg');
    const refused = await fetch(`${base}/api/v1/images`, { method: 'POST', body: form, headers: { authorization: `Bearer ${accessToken}` } });
    expect(refused.status).toBe(413);
    expect(refused.headers.get('content-type')).toMatch(/application\/json/);
    expect(await refused.json()).toMatchObject({ statusCode: 413, code: 'IMAGES.TOO_LARGE' });
  });

  it('passes a data import of several megabytes to the gateway as it streams, and the export back', async () => {
    const { accessToken } = await stack.signUp('nginx-data');
    const headers = { authorization: `Bearer ${accessToken}` };
    const created = await fetch(`${base}/api/v1/data/datasets`, { method: 'POST', body: JSON.stringify({ name: 'through nginx' }), headers: { ...headers, 'content-type': 'application/json' } });
    const { id } = (await created.json()) as { id: string };
    const csv = `n,text\n${Array.from({ length: 60_000 }, (_, i) => `${i},row number ${i} of a file larger than a megabyte`).join('\n')}\n`;
    expect(csv.length).toBeGreaterThan(3 * 1024 * 1024);
    const accepted = await fetch(`${base}/api/v1/data/datasets/${id}/imports`, { method: 'POST', body: csv, headers: { ...headers, 'content-type': 'text/csv' } });
    expect(accepted.status).toBe(202);
    const { jobId } = (await accepted.json()) as { jobId: string };
    await waitFor(async () => ((await (await fetch(`${base}/api/v1/data/datasets/${id}/imports/${jobId}`, { headers })).json()) as { status: string }).status === 'completed', {
      what: 'the import through nginx',
      timeoutMs: 60_000,
    });
    const exported = await fetch(`${base}/api/v1/data/datasets/${id}/export?format=ndjson`, { headers });
    expect(exported.status).toBe(200);
    expect((await exported.text()).trim().split('\n')).toHaveLength(60_000);
  });
});
