import { type BaseClient, custom, generators, Issuer, type TokenSet } from 'openid-client';
import { decodeJwt } from 'jose';
import { generate } from 'otplib';
import Redis from 'ioredis';
import { waitFor } from '../../../../tools/platform/platform.cjs';
import { createHash } from 'node:crypto';
import { countEvents } from '../support/events';
import { ADMIN, call, Stack } from '../support/stack';

/** Events are on streams only with the streams transport; the pub/sub one keeps none. */
const itStreams = process.env['TRANSPORT'] === 'redis' ? it.skip : it;

/**
 * OAuth 2.1 / OpenID Connect against the platform, driven by openid-client (panva, an OpenID
 * Certified relying-party library) with no site11-specific client code. The browser's part is
 * plain HTTP, as a browser without JavaScript does it: the login and consent forms posted with
 * the authorization server's cookie.
 */
let stack: Stack;
let issuer: Issuer;
let owner: { token: string; email: string; password: string };
const REDIRECT = 'https://app.example.com/callback';

custom.setHttpOptionsDefaults({ timeout: 10_000 });

beforeAll(async () => {
  stack = await Stack.start();
  issuer = await Issuer.discover(stack.gatewayUrl);
  const signedUp = await stack.signUp('oidc');
  owner = { token: signedUp.accessToken, email: signedUp.email, password: 'a fine password' };
});

afterAll(async () => {
  await stack?.stop();
});

interface Registered {
  clientId: string;
  clientSecret?: string;
}

async function register(overrides: Record<string, unknown> = {}): Promise<Registered> {
  const response = await call<Registered>(`${stack.api}/applications`, {
    method: 'POST',
    token: owner.token,
    json: {
      name: 'Reports',
      type: 'confidential',
      redirectUris: [REDIRECT],
      grantTypes: ['authorization_code', 'refresh_token', 'client_credentials'],
      scopes: ['openid', 'profile', 'email', 'offline_access', 'users:read'],
      ...overrides,
    },
  });
  expect(response.status).toBe(201);
  return response.body;
}

/** A browser without JavaScript: follows nothing by itself, keeps the authorization server's cookie. */
class Browser {
  private cookie: string | null = null;

  async get(url: string): Promise<Response> {
    return this.remember(await fetch(url, { redirect: 'manual', headers: this.cookie ? { cookie: this.cookie } : {} }));
  }

  async post(path: string, form: Record<string, string>): Promise<Response> {
    return this.remember(
      await fetch(`${stack.gatewayUrl}${path}`, {
        method: 'POST',
        redirect: 'manual',
        headers: { 'content-type': 'application/x-www-form-urlencoded', ...(this.cookie ? { cookie: this.cookie } : {}) },
        body: new URLSearchParams(form).toString(),
      }),
    );
  }

  private remember(response: Response): Response {
    const set = response.headers.getSetCookie().find((line) => line.startsWith('site11_as='));
    if (set) this.cookie = set.split(';')[0] as string;
    return response;
  }
}

/** The hidden fields of the page's form. */
async function formOf(response: Response): Promise<{ html: string; request: string; csrf: string }> {
  const html = await response.text();
  const field = (name: string) => new RegExp(`name="${name}" value="([^"]+)"`).exec(html)?.[1] ?? '';
  return { html, request: field('request'), csrf: field('csrf') };
}

/** Sign-in and consent as a person does them; the redirect back to the client. */
async function signInAndAllow(browser: Browser, url: string, decision: 'allow' | 'deny' = 'allow', who: { email: string; password: string } = owner): Promise<string> {
  const login = await browser.get(url);
  expect(login.status).toBe(200);
  const loginForm = await formOf(login);
  expect(loginForm.html).toContain('<label for="email">Email</label>');
  const consent = await browser.post('/oauth2/login', { ...loginForm, email: who.email, password: who.password });
  expect(consent.status).toBe(200);
  const consentForm = await formOf(consent);
  expect(consentForm.html).toContain('Reports wants to access your site11 account');
  const back = await browser.post('/oauth2/consent', { request: consentForm.request, csrf: consentForm.csrf, decision });
  expect(back.status).toBe(303);
  return back.headers.get('location') as string;
}

function clientFor(registered: Registered): BaseClient {
  return new issuer.Client({
    client_id: registered.clientId,
    ...(registered.clientSecret ? { client_secret: registered.clientSecret } : { token_endpoint_auth_method: 'none' }),
    redirect_uris: [REDIRECT],
    response_types: ['code'],
  });
}

describe('OpenID Connect with a certified client library', () => {
  it('publishes discovery metadata naming the issuer, the endpoints, S256 and the iss response parameter', async () => {
    expect(issuer.metadata).toMatchObject({
      issuer: stack.gatewayUrl,
      authorization_endpoint: `${stack.gatewayUrl}/oauth2/authorize`,
      token_endpoint: `${stack.gatewayUrl}/oauth2/token`,
      userinfo_endpoint: `${stack.gatewayUrl}/oauth2/userinfo`,
      jwks_uri: `${stack.gatewayUrl}/.well-known/jwks.json`,
      code_challenge_methods_supported: ['S256'],
      authorization_response_iss_parameter_supported: true,
      response_types_supported: ['code'],
    });
    const rfc8414 = await call(`${stack.gatewayUrl}/.well-known/oauth-authorization-server`);
    expect(rfc8414.body).toMatchObject({ issuer: stack.gatewayUrl });
  });

  it('completes authorization code + PKCE with sign-in and consent, validates the ID token, reads userinfo and refreshes', async () => {
    const client = clientFor(await register());
    const verifier = generators.codeVerifier();
    const state = generators.state();
    const nonce = generators.nonce();
    const url = client.authorizationUrl({
      scope: 'openid profile email offline_access',
      code_challenge: generators.codeChallenge(verifier),
      code_challenge_method: 'S256',
      state,
      nonce,
    });
    const location = await signInAndAllow(new Browser(), url);
    expect(location.startsWith(`${REDIRECT}?`)).toBe(true);
    const params = client.callbackParams(location);
    expect(params).toMatchObject({ state, iss: stack.gatewayUrl });

    // openid-client checks state, iss, the ID token's signature (JWKS), iss, aud, nonce, at_hash, exp
    const tokens: TokenSet = await client.callback(REDIRECT, params, { code_verifier: verifier, state, nonce });
    const idClaims = tokens.claims();
    expect(idClaims).toMatchObject({ iss: stack.gatewayUrl, aud: client.metadata.client_id, nonce });
    expect(typeof idClaims.auth_time).toBe('number');
    expect(tokens.refresh_token).toEqual(expect.any(String));
    const access = decodeJwt(tokens.access_token as string);
    expect(access).toMatchObject({ client_id: client.metadata.client_id, scope: 'openid profile email offline_access', iss: stack.gatewayUrl });

    const userinfo = await client.userinfo(tokens);
    // the owner never followed their verification link
    expect(userinfo).toMatchObject({ sub: idClaims.sub, email: owner.email, email_verified: false, name: expect.any(String) });

    const refreshed = await client.refresh(tokens.refresh_token as string);
    expect(refreshed.access_token).not.toBe(tokens.access_token);
    expect(refreshed.refresh_token).not.toBe(tokens.refresh_token);
    // the spent refresh token again: reuse, the whole family is revoked
    await expect(client.refresh(tokens.refresh_token as string)).rejects.toMatchObject({ error: 'invalid_grant' });
    await expect(client.refresh(refreshed.refresh_token as string)).rejects.toMatchObject({ error: 'invalid_grant' });
  });

  it('skips consent the second time for the same scopes, and honours prompt=none and prompt=consent', async () => {
    const client = clientFor(await register());
    const browser = new Browser();
    const challenge = () => {
      const verifier = generators.codeVerifier();
      return { verifier, code_challenge: generators.codeChallenge(verifier), code_challenge_method: 'S256' };
    };
    const first = challenge();
    await signInAndAllow(browser, client.authorizationUrl({ scope: 'openid email', code_challenge: first.code_challenge, code_challenge_method: 'S256', state: 's1' }));

    const second = await browser.get(client.authorizationUrl({ scope: 'openid email', code_challenge: challenge().code_challenge, code_challenge_method: 'S256', state: 's2' }));
    expect(second.status).toBe(302);
    expect(client.callbackParams(second.headers.get('location') as string)).toMatchObject({ code: expect.any(String), state: 's2' });

    const silent = await browser.get(client.authorizationUrl({ scope: 'openid profile', prompt: 'none', code_challenge: challenge().code_challenge, code_challenge_method: 'S256', state: 's3' }));
    expect(client.callbackParams(silent.headers.get('location') as string)).toMatchObject({ error: 'consent_required', state: 's3' });
    const anonymous = await new Browser().get(client.authorizationUrl({ scope: 'openid', prompt: 'none', code_challenge: challenge().code_challenge, code_challenge_method: 'S256' }));
    expect(client.callbackParams(anonymous.headers.get('location') as string)).toMatchObject({ error: 'login_required' });
    const asked = await browser.get(client.authorizationUrl({ scope: 'openid email', prompt: 'consent', code_challenge: challenge().code_challenge, code_challenge_method: 'S256' }));
    expect(asked.status).toBe(200);
    expect(await asked.text()).toContain('Allow');
  });

  it('issues client credentials tokens to a confidential client for API scopes only', async () => {
    const client = clientFor(await register());
    const granted = await client.grant({ grant_type: 'client_credentials', scope: 'users:read' });
    expect(decodeJwt(granted.access_token as string)).toMatchObject({ sub: client.metadata.client_id, client_id: client.metadata.client_id, scope: 'users:read' });
    expect(granted.refresh_token).toBeUndefined();
    await expect(client.grant({ grant_type: 'client_credentials', scope: 'openid' })).rejects.toMatchObject({ error: 'invalid_scope' });
  });
});

describe('sign-ins, prompts and replays', () => {
  const pkce = () => ({ code_challenge: generators.codeChallenge(generators.codeVerifier()), code_challenge_method: 'S256' });

  it('ends the browser’s sign-in at the authorization server when the password changes', async () => {
    const person = await stack.signUp('oidc-password');
    const client = clientFor(await register());
    const browser = new Browser();
    const login = await formOf(await browser.get(client.authorizationUrl({ scope: 'openid', ...pkce() })));
    const consent = await formOf(await browser.post('/oauth2/login', { ...login, email: person.email, password: 'a fine password' }));
    await browser.post('/oauth2/consent', { request: consent.request, csrf: consent.csrf, decision: 'allow' });
    const silent = () => browser.get(client.authorizationUrl({ scope: 'openid', prompt: 'none', state: 'p', ...pkce() }));
    expect(client.callbackParams((await silent()).headers.get('location') as string)).toMatchObject({ code: expect.any(String) });

    const changed = await call(`${stack.api}/auth/password`, {
      method: 'POST',
      token: person.accessToken,
      json: { currentPassword: 'a fine password', newPassword: 'another fine password' },
    });
    expect(changed.status).toBe(204);
    expect(client.callbackParams((await silent()).headers.get('location') as string)).toMatchObject({ error: 'login_required', state: 'p' });
  });

  it('asks an account with TOTP for its code after the password, shows the form again for a wrong one, and signs in with the right one', async () => {
    const person = await stack.signUp('oidc-totp');
    const setup = await call<{ secret: string }>(`${stack.api}/auth/mfa/totp/setup`, { method: 'POST', token: person.accessToken });
    const now = () => Math.floor(Date.now() / 1000);
    const enrolled = await call(`${stack.api}/auth/mfa/totp/confirm`, {
      method: 'POST',
      token: person.accessToken,
      json: { code: await generate({ secret: setup.body.secret, epoch: now() }) },
    });
    expect(enrolled.status).toBe(200);
    const client = clientFor(await register());
    const browser = new Browser();
    const login = await formOf(await browser.get(client.authorizationUrl({ scope: 'openid', ...pkce() })));
    const codePage = await browser.post('/oauth2/login', { ...login, email: person.email, password: 'a fine password' });
    expect(codePage.status).toBe(200);
    const codeForm = await formOf(codePage);
    expect(codeForm.html).toContain('<label for="code">Authentication code</label>');
    const mfaToken = /name="mfaToken" value="([^"]+)"/.exec(codeForm.html)?.[1] as string;

    const wrong = await browser.post('/oauth2/login/mfa', { request: codeForm.request, csrf: codeForm.csrf, mfaToken, code: '000000' });
    expect(wrong.status).toBe(400);
    expect(await wrong.text()).toContain('That code did not work');
    const consent = await browser.post('/oauth2/login/mfa', {
      request: codeForm.request,
      csrf: codeForm.csrf,
      mfaToken,
      code: await generate({ secret: setup.body.secret, epoch: now() + 30 }),
    });
    expect(consent.status).toBe(200);
    expect((await formOf(consent)).html).toContain('Reports wants to access your site11 account');
  });

  it('asks for consent after the password when prompt=login consent, even with a remembered grant', async () => {
    const client = clientFor(await register());
    const browser = new Browser();
    await signInAndAllow(browser, client.authorizationUrl({ scope: 'openid', ...pkce() }));
    const login = await browser.get(client.authorizationUrl({ scope: 'openid', prompt: 'login consent', ...pkce() }));
    expect(await login.clone().text()).toContain('<label for="password">Password</label>');
    const form = await formOf(login);
    const next = await browser.post('/oauth2/login', { ...form, email: owner.email, password: owner.password });
    expect(next.status).toBe(200);
    expect(await next.text()).toContain('Reports wants to access your site11 account');
  });

  it('revokes the access token a replayed code produced, also without a refresh token', async () => {
    const client = clientFor(await register({ grantTypes: ['authorization_code'] }));
    const verifier = generators.codeVerifier();
    const url = client.authorizationUrl({ scope: 'openid email', state: 'r', code_challenge: generators.codeChallenge(verifier), code_challenge_method: 'S256' });
    const params = client.callbackParams(await signInAndAllow(new Browser(), url));
    const tokens = await client.callback(REDIRECT, params, { code_verifier: verifier, state: 'r' });
    expect(tokens.refresh_token).toBeUndefined();
    expect(await client.userinfo(tokens.access_token as string)).toMatchObject({ email: owner.email });
    await expect(client.callback(REDIRECT, params, { code_verifier: verifier, state: 'r' })).rejects.toMatchObject({ error: 'invalid_grant' });
    await expect(client.userinfo(tokens.access_token as string)).rejects.toMatchObject({ error: 'invalid_token' });
  });

  it('gives a refresh token under OpenID Connect only with offline_access', async () => {
    const client = clientFor(await register());
    const verifier = generators.codeVerifier();
    const url = client.authorizationUrl({ scope: 'openid profile', state: 'o', code_challenge: generators.codeChallenge(verifier), code_challenge_method: 'S256' });
    const tokens = await client.callback(REDIRECT, client.callbackParams(await signInAndAllow(new Browser(), url)), { code_verifier: verifier, state: 'o' });
    expect(tokens.refresh_token).toBeUndefined();
  });
});

/** A signed-in browser, an application with offline access, and the tokens of one code exchange. */
async function connected(overrides: Record<string, unknown> = {}) {
  const registered = await register(overrides);
  const client = clientFor(registered);
  const browser = new Browser();
  const verifier = generators.codeVerifier();
  const url = client.authorizationUrl({ scope: 'openid email offline_access', state: 'c', code_challenge: generators.codeChallenge(verifier), code_challenge_method: 'S256' });
  const tokens = await client.callback(REDIRECT, client.callbackParams(await signInAndAllow(browser, url)), { code_verifier: verifier, state: 'c' });
  return { registered, client, browser, tokens };
}

describe('revocation, introspection, logout and grants', () => {
  it('revokes a refresh token with its family, and an access token on its own (RFC 7009)', async () => {
    const { client, tokens } = await connected();
    expect(await client.introspect(tokens.refresh_token as string)).toMatchObject({ active: true, token_type: 'refresh_token', client_id: client.metadata.client_id });
    await client.revoke(tokens.refresh_token as string, 'refresh_token');
    expect(await client.introspect(tokens.refresh_token as string)).toEqual({ active: false });
    await expect(client.refresh(tokens.refresh_token as string)).rejects.toMatchObject({ error: 'invalid_grant' });
    // the family's access tokens went with it
    await expect(client.userinfo(tokens.access_token as string)).rejects.toMatchObject({ error: 'invalid_token' });

    const other = await connected();
    await other.client.revoke(other.tokens.access_token as string, 'access_token');
    await expect(other.client.userinfo(other.tokens.access_token as string)).rejects.toMatchObject({ error: 'invalid_token' });
    expect((await other.client.refresh(other.tokens.refresh_token as string)).access_token).toEqual(expect.any(String));
    // unknown tokens and other clients' tokens: 200, nothing happens
    await other.client.revoke('not-a-token');
    await other.client.revoke(tokens.access_token as string);
  });

  it('introspects its own tokens only, for confidential clients (RFC 7662)', async () => {
    const { client, tokens } = await connected();
    expect(await client.introspect(tokens.access_token as string)).toMatchObject({
      active: true,
      token_type: 'Bearer',
      client_id: client.metadata.client_id,
      scope: 'openid email offline_access',
      iss: stack.gatewayUrl,
    });
    const stranger = await connected();
    expect(await stranger.client.introspect(tokens.access_token as string)).toEqual({ active: false });
    const publicClient = clientFor(await register({ type: 'public', grantTypes: ['authorization_code'] }));
    await expect(publicClient.introspect(tokens.access_token as string)).rejects.toMatchObject({ error: 'invalid_client' });
  });

  it('signs the browser out and returns only to a registered post_logout_redirect_uri', async () => {
    const { client, browser, tokens } = await connected({ postLogoutRedirectUris: ['https://app.example.com/bye'] });
    const evil = await browser.get(client.endSessionUrl({ id_token_hint: tokens.id_token, post_logout_redirect_uri: 'https://evil.example.com/', state: 's' }));
    expect({ status: evil.status, location: evil.headers.get('location') }).toEqual({ status: 400, location: null });

    const { browser: signedIn, tokens: again } = await connected({ postLogoutRedirectUris: ['https://app.example.com/bye'] });
    const out = await signedIn.get(client.endSessionUrl({ id_token_hint: again.id_token, post_logout_redirect_uri: 'https://app.example.com/bye', state: 's' }));
    expect(out.status).toBe(302);
    expect(out.headers.get('location')).toBe('https://app.example.com/bye?state=s');
    const silent = await signedIn.get(client.authorizationUrl({ scope: 'openid', prompt: 'none', ...{ code_challenge: generators.codeChallenge(generators.codeVerifier()), code_challenge_method: 'S256' } }));
    expect(client.callbackParams(silent.headers.get('location') as string)).toMatchObject({ error: 'login_required' });
  });

  it('lists the applications I authorized, and revoking one ends its tokens and asks for consent again', async () => {
    const { registered, client, browser, tokens } = await connected();
    const grants = await call<{ items: { clientId: string; name: string; scopes: string[] }[] }>(`${stack.api}/auth/grants`, { token: owner.token });
    expect(grants.status).toBe(200);
    expect(grants.body.items).toContainEqual(expect.objectContaining({ clientId: registered.clientId, name: 'Reports', scopes: ['openid', 'email', 'offline_access'] }));

    expect((await call(`${stack.api}/auth/grants/${registered.clientId}`, { method: 'DELETE', token: owner.token })).status).toBe(204);
    await expect(client.refresh(tokens.refresh_token as string)).rejects.toMatchObject({ error: 'invalid_grant' });
    await expect(client.userinfo(tokens.access_token as string)).rejects.toMatchObject({ error: 'invalid_token' });
    const again = await browser.get(client.authorizationUrl({ scope: 'openid email', code_challenge: generators.codeChallenge(generators.codeVerifier()), code_challenge_method: 'S256' }));
    expect(await again.text()).toContain('Reports wants to access your site11 account');
    const missing = await call(`${stack.api}/auth/grants/${registered.clientId}`, { method: 'DELETE', token: owner.token });
    expect({ status: missing.status, code: missing.body.code }).toEqual({ status: 404, code: 'AUTH.GRANT_NOT_FOUND' });
  });

  itStreams('publishes oauth.grant.created at consent and oauth.grant.revoked when the grant ends', async () => {
    const { registered } = await connected();
    const redis = new Redis(stack.redisUrl);
    try {
      const about = (data: Record<string, unknown>) => data['clientId'] === registered.clientId;
      await waitFor(async () => (await countEvents(redis, 'oauth.grant.created', about)) === 1, { what: 'oauth.grant.created', timeoutMs: 5000 });
      await call(`${stack.api}/auth/grants/${registered.clientId}`, { method: 'DELETE', token: owner.token });
      await waitFor(async () => (await countEvents(redis, 'oauth.grant.revoked', (data) => about(data) && data['reason'] === 'revoked by user')) === 1, {
        what: 'oauth.grant.revoked',
        timeoutMs: 5000,
      });
    } finally {
      redis.disconnect();
    }
  });

  it('revokes every token of a deleted application, client credentials included', async () => {
    const { registered, client, tokens } = await connected();
    const machine = await client.grant({ grant_type: 'client_credentials', scope: 'users:read' });
    const apps = await call<{ items: { id: string; clientId: string }[] }>(`${stack.api}/applications?limit=100`, { token: owner.token });
    const id = apps.body.items.find((item) => item.clientId === registered.clientId)?.id;
    expect((await call(`${stack.api}/applications/${id}`, { method: 'DELETE', token: owner.token })).status).toBe(204);

    // oauth hears applications.deleted and ends the grant, the refresh family and the access tokens
    await waitFor(async () => (await fetch(`${stack.gatewayUrl}/oauth2/userinfo`, { headers: { authorization: `Bearer ${tokens.access_token}` } })).status === 401, {
      what: 'the deleted application’s access token refused',
      timeoutMs: 10_000,
      intervalMs: 200,
    });
    const grants = await call<{ items: { clientId: string }[] }>(`${stack.api}/auth/grants`, { token: owner.token });
    expect(grants.body.items.map((grant) => grant.clientId)).not.toContain(registered.clientId);
    const { sid } = decodeJwt(machine.access_token as string) as { sid?: string };
    expect(sid).toBe(`cc:${registered.clientId}`);
    const redis = new Redis(stack.redisUrl);
    try {
      expect(await redis.exists(`auth:denied:{${sid}}:session`)).toBe(1);
    } finally {
      redis.disconnect();
    }
  });
});

describe('third-party access tokens at the API', () => {
  async function tokenFor(scope: string): Promise<string> {
    const client = clientFor(await register({ scopes: ['openid', 'email', 'users:read', 'applications:read', 'data:read', 'data:write', 'offline_access'] }));
    const verifier = generators.codeVerifier();
    const url = client.authorizationUrl({ scope, state: 't', code_challenge: generators.codeChallenge(verifier), code_challenge_method: 'S256' });
    const tokens = await client.callback(REDIRECT, client.callbackParams(await signInAndAllow(new Browser(), url)), { code_verifier: verifier, state: 't' });
    return tokens.access_token as string;
  }

  it('reach the routes whose scope they carry, acting for their user, and no other route (403 AUTH.INSUFFICIENT_SCOPE)', async () => {
    const token = await tokenFor('openid users:read applications:read');
    const me = await call<{ email: string }>(`${stack.api}/auth/me`, { token });
    expect({ status: me.status, email: me.body.email }).toEqual({ status: 200, email: owner.email });
    // the service verified the application's token too, and took it as the user's
    const apps = await call<{ items: { ownerId: string }[] }>(`${stack.api}/applications`, { token });
    expect(apps.status).toBe(200);
    expect(apps.body.items.length).toBeGreaterThan(0);
    for (const [method, path] of [
      ['GET', '/auth/sessions'],
      ['POST', '/applications'],
      ['GET', '/auth/grants'],
    ] as const) {
      const refused = await call(`${stack.api}${path}`, { method, token, json: method === 'POST' ? {} : undefined });
      expect({ path, status: refused.status, code: refused.body.code }).toEqual({ path, status: 403, code: 'AUTH.INSUFFICIENT_SCOPE' });
    }
    const narrow = await tokenFor('openid email');
    const refused = await call(`${stack.api}/auth/me`, { token: narrow });
    expect({ status: refused.status, code: refused.body.code }).toEqual({ status: 403, code: 'AUTH.INSUFFICIENT_SCOPE' });
  });

  it('read datasets with data:read, and create or import only with data:write', async () => {
    const writer = await tokenFor('openid data:write data:read');
    const created = await call<{ id: string; ownerId: string }>(`${stack.api}/data/datasets`, { method: 'POST', token: writer, json: { name: 'from an application' } });
    expect(created.status).toBe(201);
    const reader = await tokenFor('openid data:read');
    const listed = await call<{ items: { id: string }[] }>(`${stack.api}/data/datasets`, { token: reader });
    expect(listed.status).toBe(200);
    expect(listed.body.items.map((dataset) => dataset.id)).toContain(created.body.id);
    for (const [method, path, body] of [
      ['POST', '/data/datasets', { name: 'x' }],
      ['DELETE', `/data/datasets/${created.body.id}`, undefined],
      ['POST', `/data/datasets/${created.body.id}/transform`, { steps: [{ op: 'drop', fields: ['x'] }] }],
    ] as const) {
      const refused = await call(`${stack.api}${path}`, { method, token: reader, json: body });
      expect({ path, status: refused.status, code: refused.body.code }).toEqual({ path, status: 403, code: 'AUTH.INSUFFICIENT_SCOPE' });
    }
    const upload = await call(`${stack.api}/data/datasets/${created.body.id}/imports`, { method: 'POST', token: reader, body: 'a\n1\n', headers: { 'content-type': 'text/csv' } });
    expect({ status: upload.status, code: upload.body.code }).toEqual({ status: 403, code: 'AUTH.INSUFFICIENT_SCOPE' });
  });

  it('never act as an admin, and stop at once when the grant is revoked', async () => {
    const client = clientFor(await register({ scopes: ['openid', 'users:read'] }));
    const verifier = generators.codeVerifier();
    const url = client.authorizationUrl({ scope: 'openid users:read', state: 'a', code_challenge: generators.codeChallenge(verifier), code_challenge_method: 'S256' });
    const location = await signInAndAllow(new Browser(), url, 'allow', ADMIN);
    const tokens = await client.callback(REDIRECT, client.callbackParams(location), { code_verifier: verifier, state: 'a' });
    const token = tokens.access_token as string;
    expect((await call<{ email: string }>(`${stack.api}/auth/me`, { token })).body.email).toBe(ADMIN.email);
    // an admin's application is not an admin: admin routes take no application token
    const users = await call(`${stack.api}/users`, { token });
    expect({ status: users.status, code: users.body.code }).toEqual({ status: 403, code: 'AUTH.INSUFFICIENT_SCOPE' });

    const adminToken = await stack.adminToken();
    expect((await call(`${stack.api}/auth/grants/${client.metadata.client_id}`, { method: 'DELETE', token: adminToken })).status).toBe(204);
    const revoked = await call(`${stack.api}/auth/me`, { token });
    expect({ status: revoked.status, code: revoked.body.code }).toEqual({ status: 401, code: 'AUTH.TOKEN_REVOKED' });
  });

  it('refuse a client-credentials token at the API: no user acts', async () => {
    const client = clientFor(await register());
    const machine = await client.grant({ grant_type: 'client_credentials', scope: 'users:read' });
    const response = await call(`${stack.api}/auth/me`, { token: machine.access_token as string });
    expect({ status: response.status, code: response.body.code }).toEqual({ status: 401, code: 'AUTH.INVALID_TOKEN' });
  });
});

describe('the token endpoint’s requests', () => {
  it('takes only a form with each parameter once, and one client authentication method', async () => {
    const registered = await register();
    const basic = `Basic ${Buffer.from(`${registered.clientId}:${registered.clientSecret}`).toString('base64')}`;
    const post = (body: string, contentType: string, authorization?: string) =>
      fetch(`${stack.gatewayUrl}/oauth2/token`, { method: 'POST', headers: { 'content-type': contentType, ...(authorization ? { authorization } : {}) }, body });
    const json = await post(JSON.stringify({ grant_type: 'client_credentials' }), 'application/json', basic);
    expect({ status: json.status, body: await json.json() }).toMatchObject({ status: 400, body: { error: 'invalid_request' } });
    const repeated = await post('grant_type=client_credentials&scope=users:read&scope=openid', 'application/x-www-form-urlencoded', basic);
    expect({ status: repeated.status, body: await repeated.json() }).toMatchObject({ status: 400, body: { error: 'invalid_request' } });
    const twice = await post(`grant_type=client_credentials&client_secret=${registered.clientSecret}`, 'application/x-www-form-urlencoded', basic);
    expect({ status: twice.status, body: await twice.json() }).toMatchObject({ status: 400, body: { error: 'invalid_request' } });
    const malformed = await post('grant_type=client_credentials', 'application/x-www-form-urlencoded', 'Basic !!!');
    expect(malformed.status).toBe(401);
    expect(malformed.headers.get('www-authenticate')).toMatch(/^Basic/);
    const ok = await post('grant_type=client_credentials&scope=users%3Aread', 'application/x-www-form-urlencoded', basic);
    expect(ok.status).toBe(200);
    expect(ok.headers.get('cache-control')).toBe('no-store');
  });

  it('leaves the API’s routes to JSON: a form elsewhere is 415', async () => {
    const response = await fetch(`${stack.api}/auth/login`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'email=a@b.co&password=x' });
    expect(response.status).toBe(415);
  });
});

describe('more of the protocol', () => {
  it('sets an HttpOnly, SameSite=Lax cookie on /oauth2 and serves its pages under a strict policy', async () => {
    const client = clientFor(await register());
    const response = await fetch(client.authorizationUrl({ scope: 'openid', code_challenge: generators.codeChallenge(generators.codeVerifier()), code_challenge_method: 'S256' }), { redirect: 'manual' });
    const cookie = response.headers.getSetCookie().find((line) => line.startsWith('site11_as=')) ?? '';
    expect(cookie).toMatch(/; HttpOnly/i);
    expect(cookie).toMatch(/; SameSite=Lax/i);
    expect(cookie).toMatch(/; Path=\/oauth2/i);
    // plain http here (PUBLIC_URL http://127.0.0.1): not Secure, so not __Host-
    expect(cookie).not.toMatch(/; Secure/i);
    const policy = response.headers.get('content-security-policy') ?? '';
    expect(policy).toContain("default-src 'none'");
    expect(policy).toContain("frame-ancestors 'none'");
    expect(policy).toMatch(/form-action 'self' https:\/\/app\.example\.com/);
    expect(response.headers.get('cache-control')).toBe('no-store');
  });

  it('authenticates a confidential client with client_secret_post, and a public client with PKCE alone', async () => {
    const registered = await register();
    const post = new issuer.Client({ client_id: registered.clientId, client_secret: registered.clientSecret, token_endpoint_auth_method: 'client_secret_post', redirect_uris: [REDIRECT] });
    expect((await post.grant({ grant_type: 'client_credentials', scope: 'users:read' })).access_token).toEqual(expect.any(String));

    const publicClient = clientFor(await register({ type: 'public', grantTypes: ['authorization_code', 'refresh_token'] }));
    const verifier = generators.codeVerifier();
    const url = publicClient.authorizationUrl({ scope: 'openid offline_access', state: 'p', code_challenge: generators.codeChallenge(verifier), code_challenge_method: 'S256' });
    const tokens = await publicClient.callback(REDIRECT, publicClient.callbackParams(await signInAndAllow(new Browser(), url)), { code_verifier: verifier, state: 'p' });
    expect(tokens.claims().aud).toBe(publicClient.metadata.client_id);
    expect((await publicClient.refresh(tokens.refresh_token as string)).access_token).toEqual(expect.any(String));
    // and userinfo by POST, as by GET
    expect(await publicClient.userinfo(tokens.access_token as string, { method: 'POST' })).toMatchObject({ sub: tokens.claims().sub });
  });

  it('refuses the implicit flow and the password grant', async () => {
    const registered = await register();
    const client = clientFor(registered);
    const implicit = await new Browser().get(client.authorizationUrl({ scope: 'openid', response_type: 'token', state: 'i', code_challenge: generators.codeChallenge(generators.codeVerifier()), code_challenge_method: 'S256' }));
    expect(client.callbackParams(implicit.headers.get('location') as string)).toMatchObject({ error: 'unsupported_response_type', state: 'i' });
    await expect(client.grant({ grant_type: 'password', username: owner.email, password: owner.password })).rejects.toMatchObject({ error: 'unsupported_grant_type' });
  });
});

describe('what the authorization server refuses', () => {
  const pkce = () => {
    const verifier = generators.codeVerifier();
    return { verifier, params: { code_challenge: generators.codeChallenge(verifier), code_challenge_method: 'S256' } };
  };

  it('shows an error page, never a redirect, for an unknown client or an unregistered redirect_uri', async () => {
    const client = clientFor(await register());
    for (const redirect of ['https://app.example.com/callback/extra', 'https://app.example.com/callbac', 'https://evil.example.com/callback']) {
      const response = await new Browser().get(client.authorizationUrl({ scope: 'openid', redirect_uri: redirect, ...pkce().params }));
      expect({ redirect, status: response.status, location: response.headers.get('location') }).toEqual({ redirect, status: 400, location: null });
    }
    const unknown = await new Browser().get(`${stack.gatewayUrl}/oauth2/authorize?client_id=nobody&redirect_uri=${encodeURIComponent(REDIRECT)}&response_type=code&scope=openid`);
    expect(unknown.status).toBe(400);
    expect(await unknown.text()).toContain('There is no application with this client_id');
  });

  it('requires PKCE with S256 from a public client, and refuses plain', async () => {
    const client = clientFor(await register({ type: 'public', grantTypes: ['authorization_code'] }));
    for (const extra of [{}, { code_challenge: 'x'.repeat(43), code_challenge_method: 'plain' }]) {
      const response = await new Browser().get(client.authorizationUrl({ scope: 'openid', state: 'st', ...extra }));
      expect(client.callbackParams(response.headers.get('location') as string)).toMatchObject({ error: 'invalid_request', state: 'st', iss: stack.gatewayUrl });
    }
  });

  it('refuses a replayed code, a wrong verifier, a verifier for a code issued without a challenge, and a wrong secret', async () => {
    const registered = await register();
    const client = clientFor(registered);
    const browser = new Browser();
    const { verifier, params } = pkce();
    const location = await signInAndAllow(browser, client.authorizationUrl({ scope: 'openid offline_access', state: 'a', ...params }));
    const callbackParams = client.callbackParams(location);
    await expect(client.callback(REDIRECT, callbackParams, { code_verifier: generators.codeVerifier(), state: 'a' })).rejects.toMatchObject({ error: 'invalid_grant' });

    // a second code: exchanged once, then replayed, which revokes what the first exchange issued
    const again = pkce();
    const second = client.callbackParams((await browser.get(client.authorizationUrl({ scope: 'openid offline_access', state: 'b', ...again.params }))).headers.get('location') as string);
    const tokens = await client.callback(REDIRECT, second, { code_verifier: again.verifier, state: 'b' });
    await expect(client.callback(REDIRECT, second, { code_verifier: again.verifier, state: 'b' })).rejects.toMatchObject({ error: 'invalid_grant' });
    await expect(client.refresh(tokens.refresh_token as string)).rejects.toMatchObject({ error: 'invalid_grant' });

    // no PKCE downgrade: a code issued without a challenge refuses a verifier
    const plain = client.callbackParams((await browser.get(client.authorizationUrl({ scope: 'openid', state: 'c' }))).headers.get('location') as string);
    await expect(client.callback(REDIRECT, plain, { code_verifier: verifier, state: 'c' })).rejects.toMatchObject({ error: 'invalid_grant' });

    const impostor = new issuer.Client({ client_id: registered.clientId, client_secret: 's11cs_wrong', redirect_uris: [REDIRECT] });
    await expect(impostor.grant({ grant_type: 'client_credentials', scope: 'users:read' })).rejects.toMatchObject({ error: 'invalid_client' });
  });

  it('refuses an expired code', async () => {
    const client = clientFor(await register());
    const verifier = generators.codeVerifier();
    const url = client.authorizationUrl({ scope: 'openid', state: 'e', code_challenge: generators.codeChallenge(verifier), code_challenge_method: 'S256' });
    const params = client.callbackParams(await signInAndAllow(new Browser(), url));
    // a minute passes (the code's lifetime), as the stored expiry says
    const id = createHash('sha256').update(params.code as string).digest('hex');
    await stack.oauthDb.collection('authorization_codes').updateOne({ _id: id as never }, { $set: { expiresAt: new Date(Date.now() - 1000) } });
    await expect(client.callback(REDIRECT, params, { code_verifier: verifier, state: 'e' })).rejects.toMatchObject({
      error: 'invalid_grant',
      error_description: 'The code has expired',
    });
  });

  it('refuses a state or iss mix-up at the client, and scope escalation on refresh', async () => {
    const client = clientFor(await register());
    const browser = new Browser();
    const { verifier, params } = pkce();
    const location = await signInAndAllow(browser, client.authorizationUrl({ scope: 'openid offline_access', state: 'mine', ...params }));
    const callbackParams = client.callbackParams(location);
    await expect(client.callback(REDIRECT, callbackParams, { code_verifier: verifier, state: 'someone-else' })).rejects.toThrow(/state mismatch/);
    await expect(client.callback(REDIRECT, { ...callbackParams, iss: 'https://evil.example.com' }, { code_verifier: verifier, state: 'mine' })).rejects.toThrow(/iss mismatch/);
    const tokens = await client.callback(REDIRECT, callbackParams, { code_verifier: verifier, state: 'mine' });
    await expect(client.refresh(tokens.refresh_token as string, { exchangeBody: { scope: 'openid offline_access users:read' } })).rejects.toMatchObject({ error: 'invalid_scope' });
  });

  it('refuses a consent form posted from another browser (CSRF), and sends access_denied on Deny', async () => {
    const client = clientFor(await register());
    const attacker = new Browser();
    const { params } = pkce();
    const url = client.authorizationUrl({ scope: 'openid', state: 'x', ...params });
    const login = await formOf(await attacker.get(url));
    // the victim's browser, signed in, is made to post the attacker's request
    const victim = new Browser();
    await signInAndAllow(victim, client.authorizationUrl({ scope: 'openid', state: 'v', ...pkce().params }));
    const forged = await victim.post('/oauth2/consent', { request: login.request, csrf: login.csrf, decision: 'allow' });
    expect(forged.status).toBe(400);
    expect(forged.headers.get('location')).toBeNull();

    const denied = await signInAndAllow(new Browser(), client.authorizationUrl({ scope: 'openid profile', state: 'd', ...pkce().params }), 'deny');
    expect(client.callbackParams(denied)).toMatchObject({ error: 'access_denied', state: 'd' });
  });
});
