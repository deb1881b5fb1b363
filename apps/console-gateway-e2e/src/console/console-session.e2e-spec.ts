import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { get } from 'node:http';
import { brotliCompressSync, brotliDecompressSync, gunzipSync, gzipSync } from 'node:zlib';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { call, Stack } from '../support/stack';

/**
 * The console's sign-in: the refresh token lives in an HttpOnly cookie scoped to the session
 * routes, the access token in the body only; every route needs the console's CSRF header. And
 * the gateway serves the console's files with a strict Content-Security-Policy.
 */
const CONSOLE = { 'x-site11-console': '1' };
const COOKIE = 'site11_console_refresh';
const ASSET = `console.log("console");\n`.repeat(200);
let stack: Stack;
let consoleDir: string;
let user: { email: string; password: string };

beforeAll(async () => {
  consoleDir = mkdtempSync(join(tmpdir(), 'console-web-'));
  mkdirSync(join(consoleDir, 'assets'));
  writeFileSync(join(consoleDir, 'index.html'), '<!doctype html><html><head><script type="module" src="/assets/index-abc123.js"></script></head><body><div id="root"></div></body></html>');
  writeFileSync(join(consoleDir, 'assets', 'index-abc123.js'), ASSET);
  // what the console's build writes next to each file (scripts/precompress.mjs)
  writeFileSync(join(consoleDir, 'assets', 'index-abc123.js.br'), brotliCompressSync(ASSET));
  writeFileSync(join(consoleDir, 'assets', 'index-abc123.js.gz'), gzipSync(ASSET));
  stack = await Stack.start({ gatewayEnv: { CONSOLE_DIR: consoleDir } });
  const signedUp = await stack.signUp('console');
  user = { email: signedUp.email, password: 'a fine password' };
});

afterAll(async () => {
  await stack?.stop();
});

/** The refresh cookie the response sets, with its attributes. */
function refreshCookie(headers: Headers): { value: string; attributes: string } | null {
  const cookie = headers.getSetCookie().find((line) => line.startsWith(`${COOKIE}=`));
  if (!cookie) return null;
  const [pair, ...attributes] = cookie.split(';').map((part) => part.trim());
  return { value: pair.slice(COOKIE.length + 1), attributes: attributes.join('; ') };
}

const signIn = () => call<{ accessToken: string; refreshToken?: string; expiresIn: number }>(`${stack.api}/console/session`, {
  method: 'POST',
  json: user,
  headers: CONSOLE,
});
const refresh = (cookie?: string, headers: Record<string, string> = CONSOLE) =>
  call<{ accessToken: string; code?: string }>(`${stack.api}/console/session/refresh`, {
    method: 'POST',
    headers: { ...headers, ...(cookie ? { cookie: `${COOKIE}=${cookie}` } : {}) },
  });

describe('console session routes', () => {
  it('sign in with the access token in the body and the refresh token only in an HttpOnly, Secure, SameSite=Strict cookie on their own path', async () => {
    const response = await signIn();
    expect(response.status).toBe(200);
    expect(response.body).toEqual({ accessToken: expect.any(String), tokenType: 'Bearer', expiresIn: expect.any(Number) });
    const cookie = refreshCookie(response.headers);
    expect(cookie?.value).toMatch(/.{20,}/);
    expect(cookie?.attributes).toMatch(/HttpOnly/);
    expect(cookie?.attributes).toMatch(/Secure/);
    expect(cookie?.attributes).toMatch(/SameSite=Strict/);
    expect(cookie?.attributes).toMatch(/Path=\/api\/v1\/console\/session(;|$)/);
    expect((await call(`${stack.api}/auth/me`, { token: response.body.accessToken })).status).toBe(200);
  });

  it('refuse every route without the console header (403), and set no cookie', async () => {
    const response = await call(`${stack.api}/console/session`, { method: 'POST', json: user });
    expect(response.status).toBe(403);
    expect(response.body).toMatchObject({ code: 'AUTH.CONSOLE_HEADER_REQUIRED' });
    expect(refreshCookie(response.headers)).toBeNull();
    const cookie = refreshCookie((await signIn()).headers)?.value;
    expect((await refresh(cookie, {})).status).toBe(403);
  });

  it('renew the access token with the cookie and rotate the cookie', async () => {
    const first = refreshCookie((await signIn()).headers)?.value;
    const renewed = await refresh(first);
    expect(renewed.status).toBe(200);
    expect(renewed.body.accessToken).toEqual(expect.any(String));
    const second = refreshCookie(renewed.headers)?.value;
    expect(second).toBeDefined();
    expect(second).not.toBe(first);
    expect((await refresh(second)).status).toBe(200);
  });

  it('treat a spent cookie presented again as theft: 401, the cookie cleared, and the session ended', async () => {
    const first = refreshCookie((await signIn()).headers)?.value;
    const renewed = await refresh(first);
    const current = refreshCookie(renewed.headers)?.value;
    const replayed = await refresh(first);
    expect(replayed.status).toBe(401);
    expect(replayed.body).toMatchObject({ code: 'AUTH.INVALID_REFRESH_TOKEN' });
    expect(refreshCookie(replayed.headers)?.value).toBe('');
    // the thief's use ended the whole session: the rightful holder's newer cookie is refused too
    expect((await refresh(current)).status).toBe(401);
  });

  it('answer 401 to a refresh without a cookie', async () => {
    const response = await refresh();
    expect(response.status).toBe(401);
    expect(response.body).toMatchObject({ code: 'AUTH.INVALID_REFRESH_TOKEN' });
  });

  it('sign out: 204, the cookie cleared, and neither the cookie nor the access token works afterwards', async () => {
    const signedIn = await signIn();
    const cookie = refreshCookie(signedIn.headers)?.value as string;
    const out = await call(`${stack.api}/console/session`, {
      method: 'DELETE',
      token: signedIn.body.accessToken,
      headers: { ...CONSOLE, cookie: `${COOKIE}=${cookie}` },
    });
    expect(out.status).toBe(204);
    expect(refreshCookie(out.headers)?.value).toBe('');
    expect((await refresh(cookie)).status).toBe(401);
    expect((await call(`${stack.api}/auth/me`, { token: signedIn.body.accessToken })).status).toBe(401);
  });
});

describe('the console served by the gateway', () => {
  it('serves index.html at / and at the console’s own routes, never cached, under a strict Content-Security-Policy', async () => {
    // the mails' links too: `<PUBLIC_URL>/verify-email?token=…`, `/reset-password?token=…` (a dot in the query is not a file)
    const token = `665f1c2e8b3e4a0012345678.${'Q'.repeat(43)}`;
    for (const path of ['/', '/login', '/users/665f1c2e8b3e4a0012345678', '/account', '/forgot-password', `/verify-email?token=${token}`, `/reset-password?token=${token}`]) {
      const response = await fetch(`${stack.gatewayUrl}${path}`);
      expect({ path, status: response.status }).toEqual({ path, status: 200 });
      expect(response.headers.get('content-type')).toMatch(/text\/html/);
      expect(response.headers.get('cache-control')).toBe('no-cache');
      const csp = response.headers.get('content-security-policy') ?? '';
      expect(csp).toContain("script-src 'self'");
      expect(csp).not.toMatch(/script-src[^;]*unsafe-inline/);
      expect(csp).toContain("frame-ancestors 'none'");
      // plain-http deployments must keep working: no forced upgrade of every asset to https
      expect(csp).not.toContain('upgrade-insecure-requests');
      expect(await response.text()).toContain('<div id="root">');
    }
  });

  it('serves hashed assets cached for a year, and answers 404 to a missing file rather than the app', async () => {
    const asset = await fetch(`${stack.gatewayUrl}/assets/index-abc123.js`);
    expect(asset.status).toBe(200);
    expect(asset.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect((await fetch(`${stack.gatewayUrl}/assets/missing-000000.js`)).status).toBe(404);
  });

  it('sends the build’s precompressed copy of a file to a browser that accepts it, brotli first, and the plain file otherwise', async () => {
    const raw = (encoding?: string) =>
      new Promise<{ headers: Record<string, unknown>; body: Buffer }>((resolve, reject) => {
        const url = `${stack.gatewayUrl}/assets/index-abc123.js`;
        get(url, { headers: encoding ? { 'accept-encoding': encoding } : {} }, (response) => {
          const chunks: Buffer[] = [];
          response.on('data', (chunk: Buffer) => chunks.push(chunk));
          response.on('end', () => resolve({ headers: response.headers, body: Buffer.concat(chunks) }));
        }).on('error', reject);
      });
    const brotli = await raw('gzip, deflate, br');
    expect(brotli.headers['content-encoding']).toBe('br');
    expect(brotliDecompressSync(brotli.body).toString()).toBe(ASSET);
    expect(brotli.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(brotli.headers['vary']).toMatch(/accept-encoding/i);
    const gzip = await raw('gzip');
    expect(gzip.headers['content-encoding']).toBe('gzip');
    expect(gunzipSync(gzip.body).toString()).toBe(ASSET);
    const plain = await raw();
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(plain.body.toString()).toBe(ASSET);
  });

  it('leaves the API, the probes and the well-known documents to their own routes', async () => {
    const unknown = await call(`${stack.api}/nothing-here`);
    expect(unknown.status).toBe(404);
    expect(unknown.body).toMatchObject({ code: 'ROUTE_NOT_FOUND' });
    expect((await call(`${stack.gatewayUrl}/health/live`)).status).toBe(200);
    expect((await call(`${stack.gatewayUrl}/.well-known/jwks.json`)).status).toBe(200);
    expect((await call(`${stack.gatewayUrl}/.well-known/nothing`)).status).toBe(404);
  });

  it('gives only the API docs the looser policy their UI needs', async () => {
    const docs = await fetch(`${stack.gatewayUrl}/api/docs`);
    expect(docs.status).toBe(200);
    expect(docs.headers.get('content-security-policy')).toMatch(/script-src[^;]*'unsafe-inline'/);
  });
});
