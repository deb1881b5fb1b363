import { createHash, createPublicKey, generateKeyPairSync } from 'node:crypto';
import { decodeJwt, decodeProtectedHeader, type JWK, SignJWT } from 'jose';
import Redis from 'ioredis';
import { currentSigningKey as signingKeyOf, type Sealed, unseal } from '../support/signing-keys';
import { ADMIN, call, Stack } from '../support/stack';

interface TokenPair {
  accessToken: string;
  refreshToken: string;
  tokenType: string;
  expiresIn: number;
}
interface User {
  id: string;
  email: string;
  roles: string[];
}

let stack: Stack;
let seq = 0;
const email = () => `auth${Date.now().toString(36)}${(seq++).toString(36)}@example.com`;
const PASSWORD = 'a long enough password';

beforeAll(async () => {
  stack = await Stack.start();
});

afterAll(async () => {
  await stack?.stop();
});

async function register(address = email(), password = PASSWORD): Promise<User> {
  const response = await call<User>(`${stack.api}/auth/register`, {
    method: 'POST',
    json: { email: address, password, name: 'Someone' },
  });
  expect(response.status).toBe(201);
  return response.body;
}

async function registerAndLogin(): Promise<{ user: User; tokens: TokenPair }> {
  const address = email();
  const user = await register(address);
  const tokens = await call<TokenPair>(`${stack.api}/auth/login`, { method: 'POST', json: { email: address, password: PASSWORD } });
  expect(tokens.status).toBe(200);
  return { user, tokens: tokens.body };
}

const currentSigningKey = () => signingKeyOf(stack);

/** Signs a token with the authority's real current private key. */
async function forge(claims: Record<string, unknown>, header: Record<string, unknown> = {}): Promise<string> {
  const { kid, privateKey } = await currentSigningKey();
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({
    iss: 'site11',
    aud: 'site11-api',
    sub: '0123456789abcdef01234567',
    jti: `jti-${now}-${seq++}`,
    iat: now,
    exp: now + 600,
    roles: ['user'],
    sid: '00000000-0000-4000-8000-000000000000',
    ...claims,
  })
    .setProtectedHeader({ alg: 'RS256', kid, typ: 'at+jwt', ...header })
    .sign(privateKey);
}

const me = (token: string) => call(`${stack.api}/auth/me`, { token });

describe('registration', () => {
  it('creates an account whose password is stored only as an argon2id hash and never returned', async () => {
    const address = email();
    const user = await register(address.toUpperCase());

    expect(user).toMatchObject({ email: address, roles: ['user'] });
    expect(JSON.stringify(user)).not.toMatch(/password|hash|argon/i);
    const stored = await stack.db.collection('users').findOne({ email: address });
    expect(stored?.['passwordHash']).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
  });

  it('returns 409 USERS.EMAIL_TAKEN for an email already registered', async () => {
    const address = email();
    await register(address);
    const again = await call(`${stack.api}/auth/register`, {
      method: 'POST',
      json: { email: ` ${address.toUpperCase()} `, password: PASSWORD, name: 'Twice' },
    });
    expect(again.status).toBe(409);
    expect(again.body).toMatchObject({ code: 'USERS.EMAIL_TAKEN' });
    expect(await stack.db.collection('users').countDocuments({ email: address })).toBe(1);
  });

  it.each([
    ['too short', 'x'.repeat(7)],
    ['too long', 'x'.repeat(129)],
  ])('returns 400 VALIDATION for a password %s, and creates nothing', async (_case, password) => {
    const address = email();
    const response = await call<{ code: string; details: { field: string }[] }>(`${stack.api}/auth/register`, {
      method: 'POST',
      json: { email: address, password, name: 'Weak' },
    });
    expect(response.status).toBe(400);
    expect(response.body.code).toBe('VALIDATION');
    expect(response.body.details.map((d) => d.field)).toEqual(['password']);
    expect(await stack.db.collection('users').countDocuments({ email: address })).toBe(0);
  });
});

describe('login', () => {
  it('returns a bearer access token with the platform claims and an opaque refresh token', async () => {
    const { user, tokens } = await registerAndLogin();

    expect(tokens).toEqual({
      accessToken: expect.any(String),
      refreshToken: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/),
      tokenType: 'Bearer',
      expiresIn: 900,
    });
    const header = decodeProtectedHeader(tokens.accessToken);
    expect(header).toMatchObject({ alg: 'RS256', typ: 'at+jwt', kid: expect.any(String) });
    const claims = decodeJwt(tokens.accessToken);
    expect(claims).toMatchObject({ iss: 'site11', aud: 'site11-api', sub: user.id, roles: ['user'] });
    expect(claims.jti).toEqual(expect.any(String));
    expect((claims.exp as number) - (claims.iat as number)).toBe(900);

    const stored = await stack.oauthDb.collection('refresh_tokens').findOne({});
    expect(JSON.stringify(stored)).not.toContain(tokens.refreshToken);
    const hash = createHash('sha256').update(tokens.refreshToken).digest('hex');
    expect(await stack.oauthDb.collection('refresh_tokens').countDocuments({ _id: hash as never })).toBe(1);
  });

  it('answers a wrong password and an unknown email with the same 401', async () => {
    const address = email();
    await register(address);
    const wrongPassword = await call(`${stack.api}/auth/login`, { method: 'POST', json: { email: address, password: 'not the password' } });
    const unknownEmail = await call(`${stack.api}/auth/login`, { method: 'POST', json: { email: email(), password: PASSWORD } });

    expect(wrongPassword.status).toBe(401);
    expect(unknownEmail.status).toBe(401);
    const { requestId: _a, ...first } = wrongPassword.body;
    const { requestId: _b, ...second } = unknownEmail.body;
    expect(first).toEqual(second);
    expect(first).toMatchObject({ code: 'AUTH.INVALID_CREDENTIALS' });
  });

  it('returns 400 for operator injection instead of running a query', async () => {
    const response = await call(`${stack.api}/auth/login`, { method: 'POST', json: { email: { $gt: '' }, password: { $ne: null } } });
    expect(response.status).toBe(400);
    expect(response.body).toMatchObject({ code: 'VALIDATION' });
  });

  it('lets the token read its own account at /auth/me', async () => {
    const { user, tokens } = await registerAndLogin();
    const response = await me(tokens.accessToken);
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ id: user.id, email: user.email });
    expect(JSON.stringify(response.body)).not.toMatch(/password|hash/i);
  });
});

describe('access tokens the gateway refuses', () => {
  const expect401 = async (token: string | undefined, code: string) => {
    const response = await call(`${stack.api}/auth/me`, token === undefined ? {} : { headers: { authorization: `Bearer ${token}` } });
    expect(response.status).toBe(401);
    expect(response.body).toMatchObject({ statusCode: 401, code });
  };

  it('refuses a request without a token', () => expect401(undefined, 'AUTH.UNAUTHENTICATED'));

  it('refuses a malformed token', () => expect401('not.a.jwt', 'AUTH.INVALID_TOKEN'));

  it('refuses a token signed with the real key whose type is not at+jwt (RFC 9068)', async () => {
    await expect401(await forge({}, { typ: 'JWT' }), 'AUTH.INVALID_TOKEN');
    await expect401(await forge({}, { typ: undefined }), 'AUTH.INVALID_TOKEN');
  });

  it('refuses an unsigned token (alg none)', async () => {
    const { tokens } = await registerAndLogin();
    const [, payload] = tokens.accessToken.split('.');
    const header = Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString('base64url');
    await expect401(`${header}.${payload}.`, 'AUTH.INVALID_TOKEN');
  });

  it('refuses an HS256 token signed with the public key as HMAC secret', async () => {
    const jwks = await call<{ keys: JWK[] }>(`${stack.gatewayUrl}/.well-known/jwks.json`);
    const publicPem = createPublicKey({ key: jwks.body.keys[0] as never, format: 'jwk' }).export({ type: 'spki', format: 'pem' });
    const token = await new SignJWT({ roles: ['admin'], sid: 's' })
      .setProtectedHeader({ alg: 'HS256', kid: jwks.body.keys[0].kid as string })
      .setIssuer('site11')
      .setAudience('site11-api')
      .setSubject('0123456789abcdef01234567')
      .setJti('hs')
      .setExpirationTime('5m')
      .sign(new TextEncoder().encode(publicPem.toString()));
    await expect401(token, 'AUTH.INVALID_TOKEN');
  });

  /** Signs with the authority's real current key, but with the given issuer and audience. */
  async function signedFor(issuer: string, audience: string): Promise<string> {
    const { kid, privateKey } = await currentSigningKey();
    return new SignJWT({ roles: ['user'], sid: 's' })
      .setProtectedHeader({ alg: 'RS256', typ: 'at+jwt', kid })
      .setIssuer(issuer)
      .setAudience(audience)
      .setSubject('0123456789abcdef01234567')
      .setJti(`addressed-${seq++}`)
      .setExpirationTime('5m')
      .sign(privateKey);
  }

  it('refuses a token from another issuer', async () => {
    await expect401(await signedFor('https://evil.example', 'site11-api'), 'AUTH.INVALID_TOKEN');
  });

  it('refuses a token for another audience', async () => {
    await expect401(await signedFor('site11', 'another-api'), 'AUTH.INVALID_TOKEN');
  });

  it('refuses an expired token beyond the clock tolerance', async () => {
    const now = Math.floor(Date.now() / 1000);
    await expect401(await forge({ exp: now - 120, iat: now - 1020 }), 'AUTH.TOKEN_EXPIRED');
  });

  it('accepts a token expired by less than the 30 s clock tolerance', async () => {
    const { user } = await registerAndLogin();
    const now = Math.floor(Date.now() / 1000);
    const response = await me(await forge({ sub: user.id, exp: now - 5, iat: now - 905 }));
    expect(response.status).toBe(200);
  });

  it('refuses a token signed by a key the authority does not publish', async () => {
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const token = await new SignJWT({ roles: ['admin'], sid: 's' })
      .setProtectedHeader({ alg: 'RS256', kid: 'unknown-kid' })
      .setIssuer('site11')
      .setAudience('site11-api')
      .setSubject('0123456789abcdef01234567')
      .setJti('kid')
      .setExpirationTime('5m')
      .sign(privateKey);
    await expect401(token, 'AUTH.INVALID_TOKEN');
  });

  it('refuses a token whose payload was changed after signing', async () => {
    const { tokens } = await registerAndLogin();
    const [header, payload, signature] = tokens.accessToken.split('.');
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString());
    const tampered = Buffer.from(JSON.stringify({ ...claims, roles: ['admin'] })).toString('base64url');
    await expect401(`${header}.${tampered}.${signature}`, 'AUTH.INVALID_TOKEN');
  });
});

describe('authorization on users', () => {
  it('lets a user read and rename only their own account', async () => {
    const a = await registerAndLogin();
    const b = await registerAndLogin();
    const token = a.tokens.accessToken;

    expect((await call(`${stack.api}/users/${a.user.id}`, { token })).status).toBe(200);
    const renamed = await call(`${stack.api}/users/${a.user.id}`, { method: 'PATCH', token, json: { name: 'Renamed' } });
    expect(renamed.status).toBe(200);

    const readOther = await call(`${stack.api}/users/${b.user.id}`, { token });
    expect(readOther.status).toBe(403);
    expect(readOther.body).toMatchObject({ code: 'AUTH.FORBIDDEN' });
    const patchOther = await call(`${stack.api}/users/${b.user.id}`, { method: 'PATCH', token, json: { name: 'Mine now' } });
    expect(patchOther.status).toBe(403);
    const stored = await stack.db.collection('users').findOne({ email: b.user.email });
    expect(stored?.['name']).toBe('Someone');
  });

  it('refuses a user who sends roles, even for themself, and changes nothing', async () => {
    const a = await registerAndLogin();
    const response = await call(`${stack.api}/users/${a.user.id}`, {
      method: 'PATCH',
      token: a.tokens.accessToken,
      json: { name: 'Sneaky', roles: ['admin'] },
    });
    expect(response.status).toBe(403);
    expect(response.body).toMatchObject({ code: 'AUTH.FORBIDDEN' });
    const stored = await stack.db.collection('users').findOne({ email: a.user.email });
    expect(stored).toMatchObject({ roles: ['user'], name: 'Someone' });
  });

  it.each([
    ['list users', 'GET', '/users', undefined],
    ['create a user', 'POST', '/users', { email: 'new@example.com', name: 'New' }],
    ['delete a user', 'DELETE', '/users/0123456789abcdef01234567', undefined],
    ['rotate signing keys', 'POST', '/auth/keys/rotate', undefined],
  ])('refuses a non-admin who tries to %s', async (_case, method, path, json) => {
    const a = await registerAndLogin();
    const response = await call(`${stack.api}${path}`, { method, token: a.tokens.accessToken, json });
    expect(response.status).toBe(403);
    expect(response.body).toMatchObject({ code: 'AUTH.FORBIDDEN' });
  });

  it('lets an admin grant a role, which the user’s next refreshed token carries', async () => {
    const a = await registerAndLogin();
    const admin = await stack.adminToken();
    const granted = await call<User>(`${stack.api}/users/${a.user.id}`, { method: 'PATCH', token: admin, json: { roles: ['user', 'admin'] } });
    expect(granted.status).toBe(200);
    expect(granted.body.roles).toEqual(['user', 'admin']);

    const refreshed = await call<TokenPair>(`${stack.api}/auth/refresh`, { method: 'POST', json: { refreshToken: a.tokens.refreshToken } });
    expect(refreshed.status).toBe(200);
    expect(decodeJwt(refreshed.body.accessToken).roles).toEqual(['user', 'admin']);
    expect((await call(`${stack.api}/users?limit=1`, { token: refreshed.body.accessToken })).status).toBe(200);
  });
});

describe('refresh tokens', () => {
  it('rotate on every use: the new pair works and differs from the old', async () => {
    const { tokens } = await registerAndLogin();
    const next = await call<TokenPair>(`${stack.api}/auth/refresh`, { method: 'POST', json: { refreshToken: tokens.refreshToken } });
    expect(next.status).toBe(200);
    expect(next.body.refreshToken).not.toBe(tokens.refreshToken);
    expect(decodeJwt(next.body.accessToken).sid).toBe(decodeJwt(tokens.accessToken).sid);
    expect((await me(next.body.accessToken)).status).toBe(200);
  });

  it('revoke the whole session when a rotated token is used again', async () => {
    const { tokens } = await registerAndLogin();
    const next = await call<TokenPair>(`${stack.api}/auth/refresh`, { method: 'POST', json: { refreshToken: tokens.refreshToken } });
    expect(next.status).toBe(200);

    const replay = await call(`${stack.api}/auth/refresh`, { method: 'POST', json: { refreshToken: tokens.refreshToken } });
    expect(replay.status).toBe(401);
    expect(replay.body).toMatchObject({ code: 'AUTH.INVALID_REFRESH_TOKEN' });

    const legit = await call(`${stack.api}/auth/refresh`, { method: 'POST', json: { refreshToken: next.body.refreshToken } });
    expect(legit.status).toBe(401);
    const session = await stack.oauthDb.collection('sessions').findOne({ _id: decodeJwt(tokens.accessToken).sid as never });
    expect(session?.['revokedReason']).toBe('refresh token reused');
  });

  it('refuse an unknown token with 401 and a malformed one with 400', async () => {
    const unknown = await call(`${stack.api}/auth/refresh`, { method: 'POST', json: { refreshToken: 'A'.repeat(43) } });
    expect(unknown.status).toBe(401);
    expect(unknown.body).toMatchObject({ code: 'AUTH.INVALID_REFRESH_TOKEN' });
    const malformed = await call(`${stack.api}/auth/refresh`, { method: 'POST', json: { refreshToken: { $ne: null } } });
    expect(malformed.status).toBe(400);
  });
});

describe('logout', () => {
  it('revokes the session and denylists the access token until it expires', async () => {
    const { tokens } = await registerAndLogin();
    const out = await call(`${stack.api}/auth/logout`, { method: 'POST', token: tokens.accessToken, json: {} });
    expect(out.status).toBe(204);

    const after = await me(tokens.accessToken);
    expect(after.status).toBe(401);
    expect(after.body).toMatchObject({ code: 'AUTH.TOKEN_REVOKED' });
    const refresh = await call(`${stack.api}/auth/refresh`, { method: 'POST', json: { refreshToken: tokens.refreshToken } });
    expect(refresh.status).toBe(401);

    const redis = new Redis(stack.redisUrl);
    try {
      const { jti, sid, exp } = decodeJwt(tokens.accessToken);
      const ttl = await redis.ttl(`auth:denied:{${sid}}:jti:${jti}`);
      expect(ttl).toBeGreaterThan(0);
      expect(ttl).toBeLessThanOrEqual((exp as number) - Math.floor(Date.now() / 1000) + 1);
      // and the whole session, for as long as any access token it was given can live
      const sessionTtl = await redis.ttl(`auth:denied:{${sid}}:session`);
      expect(sessionTtl).toBeGreaterThan(900);
      expect(sessionTtl).toBeLessThanOrEqual(960);
    } finally {
      redis.disconnect();
    }
  });

  it('needs a bearer token', async () => {
    expect((await call(`${stack.api}/auth/logout`, { method: 'POST', json: {} })).status).toBe(401);
  });
});

describe('signing keys', () => {
  it('publishes only public RSA keys at /.well-known/jwks.json', async () => {
    const response = await call<{ keys: Record<string, unknown>[] }>(`${stack.gatewayUrl}/.well-known/jwks.json`);
    expect(response.status).toBe(200);
    expect(response.body.keys.length).toBeGreaterThanOrEqual(1);
    for (const key of response.body.keys) {
      expect(key).toMatchObject({ kty: 'RSA', alg: 'RS256', use: 'sig', kid: expect.any(String) });
      for (const secret of ['d', 'p', 'q', 'dp', 'dq', 'qi']) expect(key).not.toHaveProperty(secret);
    }
  });

  it('rotate without invalidating tokens signed by the previous key', async () => {
    const before = await registerAndLogin();
    const admin = await stack.adminToken();
    const oldKid = decodeProtectedHeader(before.tokens.accessToken).kid;

    const rotated = await call<{ kid: string }>(`${stack.api}/auth/keys/rotate`, { method: 'POST', token: admin });
    expect(rotated.status).toBe(200);
    expect(rotated.body.kid).not.toBe(oldKid);

    const after = await registerAndLogin();
    expect(decodeProtectedHeader(after.tokens.accessToken).kid).toBe(rotated.body.kid);
    expect((await me(after.tokens.accessToken)).status).toBe(200);
    expect((await me(before.tokens.accessToken)).status).toBe(200);

    const jwks = await call<{ keys: { kid: string }[] }>(`${stack.gatewayUrl}/.well-known/jwks.json`);
    expect(jwks.body.keys.map((k) => k.kid)).toEqual(expect.arrayContaining([oldKid, rotated.body.kid]));
  });

  it('keep the signing private key only sealed with AES-256-GCM under the key-encryption key', async () => {
    const [key] = await stack.oauthDb.collection('signing_keys').find().sort({ generation: -1 }).limit(1).toArray();
    expect(key).not.toHaveProperty('privateJwk');
    expect(key['sealedPrivateKey']).toMatchObject({ alg: 'A256GCM', kek: expect.any(String) });
    for (const part of ['"d"', '"p"', '"q"']) expect(JSON.stringify(key)).not.toContain(part);
    // the record opens only as itself: moved onto another key id, authentication fails
    expect(() => unseal(`${String(key['_id'])}x`, key['sealedPrivateKey'] as Sealed)).toThrow();
    const jwk = unseal(String(key['_id']), key['sealedPrivateKey'] as Sealed);
    expect(jwk).toMatchObject({ kty: 'RSA', n: (key['publicJwk'] as JWK).n, d: expect.any(String) });
  });

  it('delete the private half of a key once it no longer signs; its public half still verifies', async () => {
    const admin = await stack.adminToken();
    const rotated = await call<{ kid: string }>(`${stack.api}/auth/keys/rotate`, { method: 'POST', token: admin });
    expect(rotated.status).toBe(200);

    const keys = await stack.oauthDb.collection('signing_keys').find().sort({ generation: -1 }).toArray();
    expect(keys[0]['_id']).toBe(rotated.body.kid);
    expect(keys[0]).toHaveProperty('sealedPrivateKey');
    for (const retired of keys.slice(1)) {
      expect(retired).not.toHaveProperty('sealedPrivateKey');
      expect(retired).not.toHaveProperty('privateJwk');
      expect(retired).toHaveProperty('publicJwk');
    }
    expect((await me(admin)).status).toBe(200); // signed by the retired key, still verified
  });

  it('withdraw a compromised key in one step: its tokens stop at once, sessions go on under a new key', async () => {
    const user = await registerAndLogin();
    const admin = await stack.adminToken();
    const compromised = decodeProtectedHeader(user.tokens.accessToken).kid as string;
    const stolen = await currentSigningKey();
    expect(stolen.kid).toBe(compromised);
    expect((await me(user.tokens.accessToken)).status).toBe(200);

    const withdrawn = await call<{ withdrawn: string; current: string }>(`${stack.api}/auth/keys/${compromised}/withdraw`, {
      method: 'POST',
      token: admin,
    });
    expect(withdrawn.status).toBe(200);
    expect(withdrawn.body.withdrawn).toBe(compromised);
    expect(withdrawn.body.current).not.toBe(compromised);

    // tokens it signed, the attacker's forgeries included, are refused by the gateway right away
    const forged = await new SignJWT({ roles: ['admin'], sid: '00000000-0000-4000-8000-000000000000' })
      .setProtectedHeader({ alg: 'RS256', typ: 'at+jwt', kid: compromised })
      .setIssuer('site11')
      .setAudience('site11-api')
      .setSubject(user.user.id)
      .setJti(`forged-${seq++}`)
      .setExpirationTime('10m')
      .sign(stolen.privateKey);
    for (const token of [user.tokens.accessToken, forged]) {
      const response = await me(token);
      expect(response.status).toBe(401);
      expect(response.body['code']).toBe('AUTH.TOKEN_REVOKED');
    }
    const jwks = await call<{ keys: { kid: string }[] }>(`${stack.gatewayUrl}/.well-known/jwks.json`);
    expect(jwks.body.keys.map((k) => k.kid)).not.toContain(compromised);
    expect(await stack.oauthDb.collection('signing_keys').countDocuments({ _id: compromised as never })).toBe(0);

    // the session itself is not lost: its refresh token yields an access token under the new key
    const refreshed = await call<TokenPair>(`${stack.api}/auth/refresh`, { method: 'POST', json: { refreshToken: user.tokens.refreshToken } });
    expect(refreshed.status).toBe(200);
    expect(decodeProtectedHeader(refreshed.body.accessToken).kid).toBe(withdrawn.body.current);
    expect((await me(refreshed.body.accessToken)).status).toBe(200);
  });

  it('answer 404 AUTH.SIGNING_KEY_NOT_FOUND for a key that does not exist, and 403 to a non-admin', async () => {
    const admin = await stack.adminToken();
    const missing = await call(`${stack.api}/auth/keys/00000000-0000-4000-8000-000000000000/withdraw`, { method: 'POST', token: admin });
    expect(missing.status).toBe(404);
    expect(missing.body['code']).toBe('AUTH.SIGNING_KEY_NOT_FOUND');
    const { tokens } = await registerAndLogin();
    const kid = decodeProtectedHeader(tokens.accessToken).kid as string;
    const refused = await call(`${stack.api}/auth/keys/${kid}/withdraw`, { method: 'POST', token: tokens.accessToken });
    expect(refused.status).toBe(403);
  });
});

describe('the first admin', () => {
  it('exists once, as admin, and stays so across restarts', async () => {
    await stack.restartUsers();
    const admins = await stack.db.collection('users').find({ email: ADMIN.email }).toArray();
    expect(admins).toHaveLength(1);
    expect(admins[0]['roles']).toContain('admin');
    expect((await stack.login(ADMIN.email, ADMIN.password)).accessToken).toEqual(expect.any(String));
  });
});

describe('HTTP hardening and docs', () => {
  it('sends helmet’s security headers', async () => {
    const response = await fetch(`${stack.gatewayUrl}/health/live`);
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(response.headers.get('x-frame-options')).toBe('SAMEORIGIN');
    expect(response.headers.get('strict-transport-security')).toContain('max-age=');
    expect(response.headers.get('content-security-policy')).toContain("default-src 'self'");
  });

  it('documents the bearer scheme as the default and on protected routes, and `security: []` on public ones', async () => {
    const doc = await call<{
      components: { securitySchemes: Record<string, { scheme: string }> };
      security: unknown[];
      paths: Record<string, Record<string, { security?: unknown[] } & Record<string, unknown>>>;
    }>(`${stack.gatewayUrl}/api/docs-json`);
    expect(doc.body.components.securitySchemes['bearer']).toMatchObject({ scheme: 'bearer' });
    expect(doc.body.security).toEqual([{ bearer: [] }]);
    expect(doc.body.paths['/api/v1/users']['get'].security).toEqual([{ bearer: [] }]);
    expect(doc.body.paths['/api/v1/auth/me']['get'].security).toEqual([{ bearer: [] }]);
    for (const [path, method] of [['/api/v1/auth/login', 'post'], ['/api/v1/auth/register', 'post'], ['/health/ready', 'get'], ['/.well-known/jwks.json', 'get']]) {
      expect({ path, security: doc.body.paths[path][method].security }).toEqual({ path, security: [] });
      expect(doc.body.paths[path][method]).not.toHaveProperty('x-public');
    }
  });
});
