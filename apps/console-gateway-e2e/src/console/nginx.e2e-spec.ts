import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { get } from 'node:http';
import { get as getTls } from 'node:https';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { largeJpeg } from '../support/image-fixtures';
import { freePort, ROOT, waitFor } from '../../../../tools/platform/platform.cjs';
import { Stack } from '../support/stack';

/**
 * docker/nginx/ as the console's container runs it, on a real nginx (Debian's; .ci/run installs
 * it): nginx.conf with console.conf as its server and security-headers.conf included, the TLS
 * listener on a pair made by self-signed-cert.sh. The console's files with their cache headers
 * and policy, the SPA fallback, the precompressed copies, and the API, probes and well-known
 * documents proxied to a real gateway. Only what the container sets differently is replaced: the
 * ports, the paths of files, logs and certificates, and the gateway's address.
 */
const ASSET = `console.log("console");\n`.repeat(200);
const NGINX = process.env['NGINX_BIN'] ?? 'nginx';
const DOCKER_NGINX = join(ROOT, 'docker/nginx');
let stack: Stack;
let work: string;
let nginx: ChildProcess;
let base: string;
let tlsPort: number;
let certificate: Buffer;

/** A file of docker/nginx with the container's own paths and addresses replaced; each must be found. */
function dockerFile(file: string, replacements: [from: string, to: string][]): string {
  let conf = readFileSync(join(DOCKER_NGINX, file), 'utf-8');
  for (const [from, to] of replacements) {
    if (!conf.includes(from)) throw new Error(`docker/nginx/${file} no longer has "${from}"; update this test`);
    conf = conf.split(from).join(to);
  }
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

/** A request to the TLS listener, trusting only the self-signed certificate it was given. */
function overTls(path: string, headers: Record<string, string> = {}): Promise<Raw & { protocol: string }> {
  return new Promise((resolve, reject) => {
    getTls(`https://localhost:${tlsPort}${path}`, { headers, ca: certificate, lookup: (_host, _options, done) => done(null, [{ address: '127.0.0.1', family: 4 }]) }, (response) => {
      const chunks: Buffer[] = [];
      const protocol = (response.socket as import('node:tls').TLSSocket).getProtocol() ?? '';
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, headers: response.headers, body: Buffer.concat(chunks), protocol }));
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
  tlsPort = await freePort();
  base = `http://127.0.0.1:${port}`;
  // the pair the container makes at its first start, by the same script
  const tls = join(work, 'tls');
  execFileSync(join(DOCKER_NGINX, 'self-signed-cert.sh'), [tls, 'localhost'], { stdio: 'pipe' });
  certificate = readFileSync(join(tls, 'tls.crt'));
  writeFileSync(
    join(work, 'console.conf'),
    dockerFile('console.conf', [
      ['listen 8080;', `listen 127.0.0.1:${port};`],
      ['listen 8443 ssl;', `listen 127.0.0.1:${tlsPort} ssl;`],
      ['/etc/nginx/tls/', `${tls}/`],
      ['root /usr/share/nginx/html;', `root ${html};`],
      ['http://console-gateway:3000', stack.gatewayUrl],
      ['/etc/nginx/snippets/', `${DOCKER_NGINX}/`],
    ]),
  );
  const temp = (name: string) => `${name}_temp_path ${join(work, name)};`;
  writeFileSync(
    join(work, 'nginx.conf'),
    [
      'daemon off;',
      dockerFile('nginx.conf', [
        // the image's user; Debian's nginx runs its workers as its own
        ['user nginx;\n', ''],
        ['worker_processes auto;', 'worker_processes 1;'],
        ['pid /var/run/nginx.pid;', `pid ${join(work, 'nginx.pid')};`],
        ['error_log /var/log/nginx/error.log warn;', `error_log ${join(work, 'error.log')} warn;`],
        ['access_log /var/log/nginx/access.log site11;', `access_log ${join(work, 'access.log')} site11;`],
        [
          'include /etc/nginx/conf.d/*.conf;',
          `${['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'].map(temp).join('\n  ')}\n  include ${join(work, 'console.conf')};`,
        ],
      ]),
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

describe('the console behind nginx (docker/nginx)', () => {
  it('answers the console’s routes with index.html, never cached, under the strict policy', async () => {
    for (const path of ['/', '/login', '/users/665f1c2e8b3e4a0012345678']) {
      const response = await raw(path);
      expect({ path, status: response.status }).toEqual({ path, status: 200 });
      expect(response.headers['content-type']).toMatch(/text\/html/);
      expect(response.headers['cache-control']).toBe('no-cache');
      expect(response.headers['content-security-policy']).toContain("script-src 'self';");
      expect(response.headers['x-content-type-options']).toBe('nosniff');
      expect(response.headers['referrer-policy']).toBe('no-referrer');
      expect(response.headers['x-frame-options']).toBe('DENY');
      expect(response.headers['cross-origin-opener-policy']).toBe('same-origin');
      expect(response.headers['permissions-policy']).toContain('camera=()');
      // plain HTTP: no HSTS, which only the TLS listener sends
      expect(response.headers['strict-transport-security']).toBeUndefined();
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
    expect(gzip.headers['x-frame-options']).toBe('DENY');
    expect(gzip.headers['content-security-policy']).toContain("script-src 'self';");
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

  it('passes the client’s well-formed X-Request-Id through to the gateway and back, and makes one for a request without one or with a malformed one', async () => {
    const given = await raw('/api/v1/nothing-here', { 'x-request-id': 'trace-0123456789.ab:cd_ef' });
    expect(given.headers['x-request-id']).toBe('trace-0123456789.ab:cd_ef');
    expect(JSON.parse(given.body.toString())).toMatchObject({ code: 'ROUTE_NOT_FOUND', requestId: 'trace-0123456789.ab:cd_ef' });

    const malformed = await raw('/api/v1/nothing-here', { 'x-request-id': 'no spaces or slashes/allowed' });
    expect(malformed.headers['x-request-id']).toMatch(/^[0-9a-f]{32}$/);
    const none = await raw('/api/v1/nothing-here');
    expect(none.headers['x-request-id']).toMatch(/^[0-9a-f]{32}$/);
    expect(none.headers['x-request-id']).not.toBe(malformed.headers['x-request-id']);
  });

  it('logs every request as a JSON line carrying the request id the gateway was given', async () => {
    const answered = await raw('/api/v1/nothing-here', { 'x-request-id': 'trace-logged-42' });
    expect(answered.status).toBe(404);
    // nginx writes the line once the response is sent, which the client may see first
    const logged = () =>
      readFileSync(join(work, 'access.log'), 'utf-8')
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line) as Record<string, unknown>)
        .find((line) => line['requestId'] === 'trace-logged-42');
    await waitFor(async () => logged() !== undefined, { what: 'the access log line', timeoutMs: 5_000, intervalMs: 20 });
    expect(logged()).toMatchObject({ method: 'GET', uri: '/api/v1/nothing-here', status: 404 });
  });

  it('compresses the API’s JSON for a client that accepts gzip, and sends it plain to one that does not', async () => {
    const compressed = await raw('/api/docs-json', { 'accept-encoding': 'gzip' });
    expect(compressed.status).toBe(200);
    expect(compressed.headers['content-encoding']).toBe('gzip');
    const document = JSON.parse(gunzipSync(compressed.body).toString()) as { openapi: string };
    expect(document.openapi).toMatch(/^3\./);
    const plain = await raw('/api/docs-json');
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(plain.body.length).toBeGreaterThan(compressed.body.length * 3);
  });

  it('terminates TLS on its second listener with the pair self-signed-cert.sh made, and sends HSTS there', async () => {
    const page = await overTls('/');
    expect(page.status).toBe(200);
    expect(page.protocol).toMatch(/^TLSv1\.[23]$/);
    expect(page.headers['strict-transport-security']).toBe('max-age=63072000; includeSubDomains');
    expect(page.body.toString()).toContain('<div id="root">');
    const api = await overTls('/api/v1/nothing-here', { 'x-request-id': 'trace-over-tls-1' });
    expect(api.status).toBe(404);
    expect(api.headers['x-request-id']).toBe('trace-over-tls-1');
    expect((await overTls('/health/live')).status).toBe(200);
  });

  it('keeps a pair that is already there instead of making a new one', () => {
    const tls = join(work, 'tls');
    const key = readFileSync(join(tls, 'tls.key'));
    execFileSync(join(DOCKER_NGINX, 'self-signed-cert.sh'), [tls, 'localhost'], { stdio: 'pipe' });
    expect(readFileSync(join(tls, 'tls.crt')).equals(certificate)).toBe(true);
    expect(readFileSync(join(tls, 'tls.key')).equals(key)).toBe(true);
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
