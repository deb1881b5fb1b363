import { ApplicationsEvents } from '@site11/contracts';
import Redis from 'ioredis';
import { createHash } from 'node:crypto';
import { type Connection, Types } from 'mongoose';
import { waitFor } from '../../../../tools/platform/platform.cjs';
import { countEvents, eventIds } from '../support/events';
import { call, Stack } from '../support/stack';
import { claimsOf } from '../support/tokens';

interface Application {
  id: string;
  clientId: string;
  ownerId: string;
  name: string;
  type: 'confidential' | 'public';
  redirectUris: string[];
  postLogoutRedirectUris: string[];
  grantTypes: string[];
  scopes: string[];
  homepageUrl: string | null;
  logoUrl: string | null;
  secretIssuedAt: string | null;
  createdAt: string;
  updatedAt: string;
  clientSecret?: string;
}
interface ConfigVersion {
  applicationId: string;
  env: string;
  version: number;
  values: Record<string, unknown>;
  message: string;
  author: string;
  createdAt: string;
}
interface ApplicationPage {
  items: Application[];
  nextCursor: string | null;
}
interface Someone {
  id: string;
  token: string;
}

/** Events are on streams only with the streams transport; the pub/sub one keeps none. */
const itStreams = process.env['TRANSPORT'] === 'redis' ? it.skip : it;
const DEADLINE_MS = 5000;
let stack: Stack;
let db: Connection;
let redis: Redis;
let admin: Someone;

beforeAll(async () => {
  // the services reach the database through a proxy, which the outage test cuts
  stack = await Stack.start({ cuttableDatabase: true, gatewayEnv: { RPC_DEADLINE_MS: String(DEADLINE_MS) } });
  db = await stack.serviceDb('applications');
  redis = new Redis(stack.redisUrl);
  const token = await stack.adminToken();
  admin = { token, id: claimsOf(token).sub };
});

afterAll(async () => {
  redis?.disconnect();
  await db?.dropDatabase().catch(() => undefined);
  await db?.close();
  await stack?.stop();
});

/** A new user, signed in. */
async function someone(): Promise<Someone> {
  const { id, accessToken } = await stack.signUp('applications');
  return { token: accessToken, id };
}

const url = (path = '') => `${stack.api}/applications${path}`;

const registration = (name = 'Some application') => ({
  name,
  type: 'confidential',
  redirectUris: ['https://app.example.com/callback'],
  grantTypes: ['authorization_code', 'refresh_token'],
  scopes: ['openid', 'profile'],
});

async function create(owner: Someone, name = 'Some application'): Promise<Application> {
  const created = await call<Application>(url(), { method: 'POST', token: owner.token, json: registration(name) });
  expect(created.status).toBe(201);
  return created.body;
}

function list(who: Someone, query = '') {
  return call<ApplicationPage & { code?: string }>(url(`?limit=100${query}`), { token: who.token });
}

describe('applications through the gateway', () => {
  it('registers a confidential application: a client id, and a secret shown once and stored only as a hash', async () => {
    const owner = await someone();
    const json = { ...registration(' Dashboard '), postLogoutRedirectUris: ['https://app.example.com/bye'], homepageUrl: 'https://app.example.com' };
    const created = await call<Application>(url(), { method: 'POST', token: owner.token, json });
    expect(created.status).toBe(201);
    expect(created.body).toEqual({
      id: expect.stringMatching(/^[a-f0-9]{24}$/),
      clientId: expect.stringMatching(/^[A-Za-z0-9_-]{22}$/),
      ownerId: owner.id,
      name: 'Dashboard',
      type: 'confidential',
      redirectUris: ['https://app.example.com/callback'],
      postLogoutRedirectUris: ['https://app.example.com/bye'],
      grantTypes: ['authorization_code', 'refresh_token'],
      scopes: ['openid', 'profile'],
      homepageUrl: 'https://app.example.com',
      logoUrl: null,
      secretIssuedAt: expect.any(String),
      clientSecret: expect.stringMatching(/^s11cs_[A-Za-z0-9_-]{43}$/),
      createdAt: expect.any(String),
      updatedAt: expect.any(String),
    });
    const secret = created.body.clientSecret as string;
    const stored = await db.collection('applications').findOne({ _id: new Types.ObjectId(created.body.id) });
    expect(JSON.stringify(stored)).not.toContain(secret);
    expect(stored?.['secretHash']).toBe(createHash('sha256').update(secret).digest('hex'));

    // never again
    const read = await call<Application>(url(`/${created.body.id}`), { token: owner.token });
    expect(read.status).toBe(200);
    expect(read.body.clientSecret).toBeUndefined();
    expect(JSON.stringify(read.body)).not.toMatch(/secretHash|s11cs_/);
  });

  it('registers a public application without a secret, and refuses it client_credentials', async () => {
    const owner = await someone();
    const publicApp = await call<Application>(url(), { method: 'POST', token: owner.token, json: { ...registration(), type: 'public' } });
    expect(publicApp.status).toBe(201);
    expect(publicApp.body.clientSecret).toBeUndefined();
    expect(publicApp.body.secretIssuedAt).toBeNull();
    const rotate = await call(url(`/${publicApp.body.id}/secret`), { method: 'POST', token: owner.token });
    expect({ status: rotate.status, code: rotate.body.code }).toEqual({ status: 422, code: 'APPLICATIONS.NO_SECRET' });

    const refused = await call(url(), { method: 'POST', token: owner.token, json: { ...registration(), type: 'public', grantTypes: ['client_credentials'] } });
    expect(refused.status).toBe(400);
    expect(refused.body).toMatchObject({ code: 'VALIDATION', details: [expect.objectContaining({ field: 'grantTypes' })] });
  });

  it.each([
    ['http on a public host', ['http://app.example.com/cb']],
    ['a fragment', ['https://app.example.com/cb#x']],
    ['a relative URL', ['/callback']],
    ['a custom scheme', ['javascript:alert(1)']],
    ['user info', ['https://user:pw@app.example.com/cb']],
    ['a duplicate', ['https://app.example.com/cb', 'https://app.example.com/cb']],
    ['an operator instead of a list', { $ne: null }],
  ])('refuses a redirect URI with %s: 400 VALIDATION on redirectUris', async (_case, redirectUris) => {
    const owner = await someone();
    const response = await call(url(), { method: 'POST', token: owner.token, json: { ...registration(), redirectUris } });
    expect(response.status).toBe(400);
    expect(response.body).toMatchObject({ code: 'VALIDATION', details: [expect.objectContaining({ field: 'redirectUris' })] });
  });

  it('accepts http redirect URIs on loopback hosts, any port (native apps, RFC 8252)', async () => {
    const owner = await someone();
    const redirectUris = ['http://127.0.0.1:53682/callback', 'http://localhost/cb', 'http://[::1]:8080/cb'];
    const response = await call<Application>(url(), { method: 'POST', token: owner.token, json: { ...registration(), type: 'public', redirectUris } });
    expect(response.status).toBe(201);
    expect(response.body.redirectUris).toEqual(redirectUris);
  });

  it.each([
    ['an unknown field', { ownerId: '0123456789abcdef01234567' }],
    ['an unknown scope', { scopes: ['admin'] }],
    ['an unknown grant type', { grantTypes: ['password'] }],
    ['an operator instead of a name', { name: { $ne: null } }],
  ])('returns 400 VALIDATION for %s', async (_case, extra) => {
    const owner = await someone();
    const response = await call(url(), { method: 'POST', token: owner.token, json: { ...registration(), ...extra } });
    expect(response.status).toBe(400);
    expect(response.body).toMatchObject({ code: 'VALIDATION' });
  });

  it('changes a registration, but not its type', async () => {
    const owner = await someone();
    const app = await create(owner);
    const changed = await call<Application>(url(`/${app.id}`), {
      method: 'PATCH',
      token: owner.token,
      json: { name: 'Renamed', redirectUris: ['https://new.example.com/cb'] },
    });
    expect(changed.status).toBe(200);
    expect(changed.body).toMatchObject({ name: 'Renamed', redirectUris: ['https://new.example.com/cb'], clientId: app.clientId });
    const typeChange = await call(url(`/${app.id}`), { method: 'PATCH', token: owner.token, json: { type: 'public' } });
    expect({ status: typeChange.status, code: typeChange.body.code }).toEqual({ status: 400, code: 'VALIDATION' });
    const inconsistent = await call(url(`/${app.id}`), { method: 'PATCH', token: owner.token, json: { redirectUris: [] } });
    expect(inconsistent.status).toBe(400);
    expect(inconsistent.body).toMatchObject({ details: [expect.objectContaining({ field: 'redirectUris' })] });
  });

  it('rotates the secret: a new one shown once, the previous one valid for 24 hours', async () => {
    const owner = await someone();
    const app = await create(owner);
    const before = Date.now();
    const rotated = await call<{ clientSecret: string; previousSecretExpiresAt: string }>(url(`/${app.id}/secret`), { method: 'POST', token: owner.token });
    expect(rotated.status).toBe(200);
    expect(rotated.body.clientSecret).toMatch(/^s11cs_/);
    expect(rotated.body.clientSecret).not.toBe(app.clientSecret);
    const graceEnds = Date.parse(rotated.body.previousSecretExpiresAt);
    expect(graceEnds - before).toBeGreaterThan(24 * 3600 * 1000 - 60_000);
    expect(graceEnds - before).toBeLessThan(24 * 3600 * 1000 + 60_000);
    const stored = await db.collection('applications').findOne({ _id: new Types.ObjectId(app.id) });
    const sha = (secret: string) => createHash('sha256').update(secret).digest('hex');
    expect(stored).toMatchObject({ secretHash: sha(rotated.body.clientSecret), previousSecretHash: sha(app.clientSecret as string) });
  });

  it('refuses another user’s application with 403, reading, changing, rotating or deleting it; an admin may', async () => {
    const owner = await someone();
    const other = await someone();
    const mine = await create(owner, 'Mine');
    for (const { method, path, json } of [
      { method: 'GET', path: '' },
      { method: 'PATCH', path: '', json: { name: 'Stolen' } },
      { method: 'POST', path: '/secret' },
      { method: 'GET', path: '/config/production' },
      { method: 'PUT', path: '/config/production', json: { values: {}, message: 'x' } },
      { method: 'GET', path: '/releases' },
      { method: 'DELETE', path: '' },
    ]) {
      const response = await call(url(`/${mine.id}${path}`), { method, token: other.token, json });
      expect({ method, path, status: response.status, code: response.body.code }).toEqual({ method, path, status: 403, code: 'AUTH.FORBIDDEN' });
    }
    const read = await call<Application>(url(`/${mine.id}`), { token: admin.token });
    expect(read.status).toBe(200);
    expect(read.body.name).toBe('Mine');
  });

  it('lists the caller’s own applications; everyone’s (scope=all) and one user’s (ownerId) only for an admin; q by name', async () => {
    const a = await someone();
    const b = await someone();
    const ofA = await create(a, 'Alpha of A');
    const ofB = await create(b, 'Of B');
    await create(a, 'Beta of A');

    expect((await list(a, '&q=alpha')).body.items.map((item) => item.id)).toEqual([ofA.id]);
    for (const query of ['&scope=all', `&ownerId=${b.id}`]) {
      const refused = await list(a, query);
      expect({ query, status: refused.status, code: refused.body.code }).toEqual({ query, status: 403, code: 'AUTH.FORBIDDEN' });
    }
    const all = await list(admin, '&scope=all');
    expect(all.body.items.map((item) => item.id)).toEqual(expect.arrayContaining([ofA.id, ofB.id]));
    expect((await list(admin, `&ownerId=${b.id}`)).body.items.map((item) => item.id)).toEqual([ofB.id]);
  });

  it('needs a token, well-formed ids and a known scope', async () => {
    expect((await call(url())).status).toBe(401);
    for (const path of ['/not-an-id', '?ownerId=not-an-id', '?scope=everything', '/665f1c2e8b3e4a0012345678/config/Prod!']) {
      const response = await call(url(path), { token: admin.token });
      expect({ path, status: response.status, code: response.body.code }).toEqual({ path, status: 400, code: 'VALIDATION' });
    }
  });
});

describe('configuration versions', () => {
  it('publishes immutable versions with author and message, ETags, a history and a JSON Patch between two', async () => {
    const owner = await someone();
    const app = await create(owner);
    const put = (values: unknown, message: string, headers: Record<string, string> = {}) =>
      call<ConfigVersion & { code?: string }>(url(`/${app.id}/config/production`), { method: 'PUT', token: owner.token, json: { values, message }, headers });

    expect((await call(url(`/${app.id}/config/production`), { token: owner.token })).body.code).toBe('APPLICATIONS.CONFIG_NOT_FOUND');
    const first = await put({ featureX: true, limits: { rps: 10 }, $schema: 'x', 'a.b': 1 }, 'First');
    expect(first.status).toBe(200);
    expect(first.headers.get('etag')).toBe('"1"');
    expect(first.body).toMatchObject({ version: 1, env: 'production', applicationId: app.id, author: owner.id, message: 'First' });
    // keys MongoDB could not store as field names, and nothing in them taken as an operator
    expect(first.body.values).toEqual({ featureX: true, limits: { rps: 10 }, $schema: 'x', 'a.b': 1 });

    const second = await put({ featureX: false, limits: { rps: 20 }, $schema: 'x', 'a.b': 1 }, 'Second', { 'if-match': '"1"' });
    expect(second.status).toBe(200);
    expect(second.headers.get('etag')).toBe('"2"');
    // a change based on version 1 again: someone else got there first
    const stale = await put({ featureX: true }, 'Stale', { 'if-match': '"1"' });
    expect({ status: stale.status, code: stale.body.code }).toEqual({ status: 412, code: 'APPLICATIONS.CONFIG_VERSION_MISMATCH' });
    const malformed = await put({}, 'x', { 'if-match': 'W/"2"' });
    expect(malformed.status).toBe(400);
    const star = await call(url(`/${app.id}/config/staging`), { method: 'PUT', token: owner.token, json: { values: {}, message: 'x' }, headers: { 'if-match': '*' } });
    expect({ status: star.status, code: star.body.code }).toEqual({ status: 412, code: 'APPLICATIONS.CONFIG_VERSION_MISMATCH' });

    const latest = await call<ConfigVersion>(url(`/${app.id}/config/production`), { token: owner.token });
    expect(latest.headers.get('etag')).toBe('"2"');
    expect(latest.body.values).toMatchObject({ featureX: false });
    const history = await call<{ items: { version: number; message: string }[]; nextBefore: number | null }>(
      url(`/${app.id}/config/production/versions?limit=1`),
      { token: owner.token },
    );
    expect(history.body).toEqual({ items: [expect.objectContaining({ version: 2, message: 'Second' })], nextBefore: 2 });
    const older = await call<{ items: { version: number }[]; nextBefore: number | null }>(url(`/${app.id}/config/production/versions?before=2`), { token: owner.token });
    expect(older.body).toEqual({ items: [expect.objectContaining({ version: 1 })], nextBefore: null });
    expect((await call<ConfigVersion>(url(`/${app.id}/config/production/versions/1`), { token: owner.token })).body.values).toMatchObject({ featureX: true });

    const diff = await call<{ patch: { op: string; path: string; value?: unknown }[] }>(url(`/${app.id}/config/production/diff?from=1&to=2`), { token: owner.token });
    expect(diff.status).toBe(200);
    expect(diff.body.patch).toEqual(
      expect.arrayContaining([
        { op: 'replace', path: '/featureX', value: false },
        { op: 'replace', path: '/limits/rps', value: 20 },
      ]),
    );
    expect(diff.body.patch).toHaveLength(2);
    expect((await call(url(`/${app.id}/config/production/diff?from=1&to=9`), { token: owner.token })).body.code).toBe('APPLICATIONS.CONFIG_VERSION_NOT_FOUND');

    const rollback = await call<ConfigVersion>(url(`/${app.id}/config/production/rollback`), { method: 'POST', token: owner.token, json: { version: 1 } });
    expect(rollback.status).toBe(201);
    expect(rollback.body).toMatchObject({ version: 3, message: 'Roll back to version 1', values: first.body.values });
  });

  it('refuses values over 64 KiB with 413 APPLICATIONS.CONFIG_TOO_LARGE, and stores nothing', async () => {
    const owner = await someone();
    const app = await create(owner);
    const response = await call(url(`/${app.id}/config/production`), {
      method: 'PUT',
      token: owner.token,
      json: { values: { blob: 'x'.repeat(64 * 1024) }, message: 'too big' },
    });
    expect({ status: response.status, code: response.body.code }).toEqual({ status: 413, code: 'APPLICATIONS.CONFIG_TOO_LARGE' });
    expect(await db.collection('config_versions').countDocuments({ applicationId: app.id })).toBe(0);
  });

  it('numbers concurrent changes without a gap or a duplicate', async () => {
    const owner = await someone();
    const app = await create(owner);
    const results = await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        call<ConfigVersion>(url(`/${app.id}/config/dev`), { method: 'PUT', token: owner.token, json: { values: { i }, message: `change ${i}` } }),
      ),
    );
    expect(results.map((result) => result.status)).toEqual(Array(8).fill(200));
    expect(results.map((result) => result.body.version).sort((x, y) => x - y)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
  });

  itStreams('publishes applications.config.published', async () => {
    const owner = await someone();
    const app = await create(owner);
    await call(url(`/${app.id}/config/production`), { method: 'PUT', token: owner.token, json: { values: { a: 1 }, message: 'm' } });
    await waitFor(async () => (await countEvents(redis, ApplicationsEvents.configPublished, (data) => data['applicationId'] === app.id)) === 1, {
      what: 'applications.config.published',
      timeoutMs: 5000,
    });
  });
});

describe('releases', () => {
  it('makes releases with increasing semantic versions that pin existing configuration versions', async () => {
    const owner = await someone();
    const app = await create(owner);
    await call(url(`/${app.id}/config/production`), { method: 'PUT', token: owner.token, json: { values: { a: 1 }, message: 'm' } });
    const release = (version: string, configVersions: Record<string, unknown> = { production: 1 }) =>
      call<{ version: string; configVersions: Record<string, number>; author: string; code?: string }>(url(`/${app.id}/releases`), {
        method: 'POST',
        token: owner.token,
        json: { version, notes: `Release ${version}`, configVersions },
      });

    const first = await release('1.9.0');
    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({ version: '1.9.0', configVersions: { production: 1 }, author: owner.id });
    // semver precedence, not string order
    expect((await release('1.10.0')).status).toBe(201);
    const again = await release('1.10.0');
    expect({ status: again.status, code: again.body.code }).toEqual({ status: 409, code: 'APPLICATIONS.RELEASE_EXISTS' });
    const lower = await release('1.9.5');
    expect({ status: lower.status, code: lower.body.code }).toEqual({ status: 422, code: 'APPLICATIONS.RELEASE_VERSION_NOT_INCREASING' });
    for (const pins of [{ production: 7 }, { staging: 1 }, { production: 'one' }, { 'Bad Env': 1 }]) {
      const refused = await release('2.0.0', pins);
      expect({ pins, status: refused.status, code: refused.body.code }).toEqual({ pins, status: 400, code: 'VALIDATION' });
    }
    expect((await release('v2')).status).toBe(400);

    const listed = await call<{ items: { version: string }[] }>(url(`/${app.id}/releases`), { token: owner.token });
    expect(listed.body.items.map((item) => item.version)).toEqual(['1.10.0', '1.9.0']);
    expect((await call(url(`/${app.id}/releases/1.9.0`), { token: owner.token })).body).toMatchObject({ notes: 'Release 1.9.0' });
    expect((await call(url(`/${app.id}/releases/3.0.0`), { token: owner.token })).body.code).toBe('APPLICATIONS.RELEASE_NOT_FOUND');
  });
});

describe('deleting applications', () => {
  it('deletes an application with its configuration and releases', async () => {
    const owner = await someone();
    const app = await create(owner);
    await call(url(`/${app.id}/config/production`), { method: 'PUT', token: owner.token, json: { values: { a: 1 }, message: 'm' } });
    await call(url(`/${app.id}/releases`), { method: 'POST', token: owner.token, json: { version: '1.0.0', configVersions: { production: 1 } } });
    expect((await call(url(`/${app.id}`), { method: 'DELETE', token: owner.token })).status).toBe(204);
    const gone = await call(url(`/${app.id}`), { token: owner.token });
    expect({ status: gone.status, code: gone.body.code }).toEqual({ status: 404, code: 'APPLICATIONS.APPLICATION_NOT_FOUND' });
    expect(await db.collection('config_versions').countDocuments({ applicationId: app.id })).toBe(0);
    expect(await db.collection('releases').countDocuments({ applicationId: app.id })).toBe(0);
    // a second delete is a 404, not an error
    expect((await call(url(`/${app.id}`), { method: 'DELETE', token: owner.token })).status).toBe(404);
  });

  itStreams('publishes applications.created, .updated and .deleted (with the client id oauth revokes) on their streams', async () => {
    const owner = await someone();
    const { id, clientId } = await create(owner);
    await call(url(`/${id}`), { method: 'PATCH', token: owner.token, json: { name: 'changed' } });
    await call(url(`/${id}`), { method: 'DELETE', token: owner.token });
    for (const event of [ApplicationsEvents.created, ApplicationsEvents.updated, ApplicationsEvents.deleted]) {
      await waitFor(async () => (await eventIds(redis, event)).includes(id), { what: `${event} of ${id}`, timeoutMs: 5000 });
    }
    expect(await countEvents(redis, ApplicationsEvents.deleted, (data) => data['clientId'] === clientId)).toBe(1);
    // the relay removed the tombstone once its event was out
    await waitFor(async () => (await db.collection('applications').countDocuments({ _id: new Types.ObjectId(id) })) === 0, {
      what: `the tombstone of ${id} removed`,
      timeoutMs: 5000,
    });
  });

  it('removes a deleted user’s applications (users.deleted), and nobody else’s', async () => {
    const leaving = await someone();
    const staying = await someone();
    await create(leaving, 'Gone with the account');
    await create(leaving, 'Also gone');
    const kept = await create(staying, 'Kept');

    expect((await call(`${stack.api}/users/${leaving.id}`, { method: 'DELETE', token: admin.token })).status).toBe(204);
    await waitFor(async () => (await db.collection('applications').countDocuments({ ownerId: leaving.id })) === 0, {
      what: 'the deleted user’s applications removed',
      timeoutMs: 15_000,
      intervalMs: 200,
    });
    expect((await call(url(`/${kept.id}`), { token: staying.token })).status).toBe(200);
  });

  // last: every service of the stack loses its database for a moment
  it('answers 503 SERVICE_UNAVAILABLE while the database is unreachable, within the deadline, and serves again when it is back', async () => {
    const owner = await someone();
    await create(owner);
    const read = () => list(owner);
    expect((await read()).status).toBe(200);
    const restore = await stack.cutDatabase();
    try {
      const response = await read();
      expect(response.status).toBe(503);
      expect(response.body).toMatchObject({ code: 'SERVICE_UNAVAILABLE', statusCode: 503 });
      expect(response.ms).toBeLessThan(DEADLINE_MS);
    } finally {
      await restore();
    }
    await waitFor(async () => (await read()).status === 200, { what: 'the applications service serving again', timeoutMs: 20_000, intervalMs: 250 });
  });
});
