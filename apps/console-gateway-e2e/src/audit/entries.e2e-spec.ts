import { EntriesEvents } from '@site11/contracts';
import Redis from 'ioredis';
import { type Connection, Types } from 'mongoose';
import { waitFor } from '../../../../tools/platform/platform.cjs';
import { eventIds } from '../support/events';
import { call, Stack } from '../support/stack';
import { claimsOf } from '../support/tokens';

interface Entry {
  id: string;
  ownerId: string;
  name: string;
  description: string;
  createdAt: string;
  updatedAt: string;
}
interface EntryPage {
  items: Entry[];
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
  db = await stack.serviceDb('audit');
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
  const { id, accessToken } = await stack.signUp('entries');
  return { token: accessToken, id };
}

const url = (path = '') => `${stack.api}/audit/entries${path}`;

async function create(owner: Someone, name = 'Some entry'): Promise<Entry> {
  const created = await call<Entry>(url(), { method: 'POST', token: owner.token, json: { name } });
  expect(created.status).toBe(201);
  return created.body;
}

function list(who: Someone, query = '') {
  return call<EntryPage & { code?: string }>(url(`?limit=100${query}`), { token: who.token });
}

describe('audit entries through the gateway', () => {
  it('creates, reads, changes and deletes an entry, storing it in the service database', async () => {
    const owner = await someone();
    const created = await call<Entry>(url(), { method: 'POST', token: owner.token, json: { name: ' First ', description: 'd' } });
    expect(created.status).toBe(201);
    expect(created.body).toEqual({
      id: expect.stringMatching(/^[a-f0-9]{24}$/),
      ownerId: owner.id,
      name: 'First',
      description: 'd',
      createdAt: expect.any(String),
      updatedAt: expect.any(String),
    });
    const stored = await db.collection('entries').findOne({ _id: new Types.ObjectId(created.body.id) });
    expect(stored).toMatchObject({ ownerId: owner.id, name: 'First' });

    const read = await call<Entry>(url(`/${created.body.id}`), { token: owner.token });
    expect(read.status).toBe(200);
    expect(read.body).toEqual(created.body);
    const changed = await call<Entry>(url(`/${created.body.id}`), { method: 'PATCH', token: owner.token, json: { name: 'Renamed' } });
    expect(changed.status).toBe(200);
    expect(changed.body).toMatchObject({ name: 'Renamed', description: 'd' });
    expect((await call(url(`/${created.body.id}`), { method: 'DELETE', token: owner.token })).status).toBe(204);
    const gone = await call(url(`/${created.body.id}`), { token: owner.token });
    expect(gone.status).toBe(404);
    expect(gone.body).toMatchObject({ code: 'AUDIT.ENTRY_NOT_FOUND' });
  });

  it('refuses another user’s entry with 403, reading, changing or deleting it; an admin may', async () => {
    const owner = await someone();
    const other = await someone();
    const mine = await create(owner, 'Mine');
    for (const { method, json } of [{ method: 'GET' }, { method: 'PATCH', json: { name: 'Stolen' } }, { method: 'DELETE' }]) {
      const response = await call(url(`/${mine.id}`), { method, token: other.token, json });
      expect({ method, status: response.status, code: response.body.code }).toEqual({ method, status: 403, code: 'AUTH.FORBIDDEN' });
    }
    const read = await call<Entry>(url(`/${mine.id}`), { token: admin.token });
    expect(read.status).toBe(200);
    expect(read.body.name).toBe('Mine');
  });

  it('lists the caller’s own entries; everyone’s (scope=all) and one user’s (ownerId) only for an admin', async () => {
    const a = await someone();
    const b = await someone();
    const ofA = await create(a, 'Of A');
    const ofB = await create(b, 'Of B');

    const own = await list(a);
    expect(own.status).toBe(200);
    expect(own.body.items.map((item) => item.id)).toEqual([ofA.id]);

    for (const query of ['&scope=all', `&ownerId=${b.id}`, `&ownerId=${a.id}`]) {
      const refused = await list(a, query);
      expect({ query, status: refused.status, code: refused.body.code }).toEqual({ query, status: 403, code: 'AUTH.FORBIDDEN' });
    }

    const all = await list(admin, '&scope=all');
    expect(all.status).toBe(200);
    expect(all.body.items.map((item) => item.id)).toEqual(expect.arrayContaining([ofA.id, ofB.id]));
    const ofOne = await list(admin, `&ownerId=${b.id}`);
    expect(ofOne.status).toBe(200);
    expect(ofOne.body.items.map((item) => item.id)).toEqual([ofB.id]);
    expect((await list(admin)).body.items.map((item) => item.ownerId)).not.toContain(b.id);
  });

  it('finds entries whose name starts with q, in any case, and nothing else', async () => {
    const owner = await someone();
    const matches = [await create(owner, 'Alpha one'), await create(owner, 'ALPHABET')];
    await create(owner, 'Beta alpha');

    const found = await list(owner, '&q=alpha');
    expect(found.status).toBe(200);
    expect(found.body.items.map((item) => item.id).sort()).toEqual(matches.map((item) => item.id).sort());
    // a renamed one is found by its new name only
    await call(url(`/${matches[0].id}`), { method: 'PATCH', token: owner.token, json: { name: 'Gamma' } });
    expect((await list(owner, '&q=gam')).body.items.map((item) => item.id)).toEqual([matches[0].id]);
    expect((await list(owner, '&q=alpha')).body.items.map((item) => item.id)).toEqual([matches[1].id]);
    // an operator is not a search
    const injected = await call<{ code?: string }>(url('?q[$ne]=x'), { token: owner.token });
    expect({ status: injected.status, code: injected.body.code }).toEqual({ status: 400, code: 'VALIDATION' });
  });

  it.each([
    ['an unknown field', { name: 'x', ownerId: '0123456789abcdef01234567' }],
    ['an operator instead of a name', { name: { $ne: null } }],
    ['an empty name', { name: '   ' }],
  ])('returns 400 VALIDATION for %s', async (_case, json) => {
    const owner = await someone();
    const response = await call(url(), { method: 'POST', token: owner.token, json });
    expect(response.status).toBe(400);
    expect(response.body).toMatchObject({ code: 'VALIDATION' });
  });

  it('needs a token, well-formed ids and a known scope', async () => {
    expect((await call(url())).status).toBe(401);
    for (const path of ['/not-an-id', '?ownerId=not-an-id', '?scope=everything']) {
      const response = await call(url(path), { token: admin.token });
      expect({ path, status: response.status, code: response.body.code }).toEqual({ path, status: 400, code: 'VALIDATION' });
    }
  });

  itStreams('publishes audit.entry.created, .updated and .deleted on their streams', async () => {
    const owner = await someone();
    const { id } = await create(owner);
    await call(url(`/${id}`), { method: 'PATCH', token: owner.token, json: { description: 'changed' } });
    await call(url(`/${id}`), { method: 'DELETE', token: owner.token });
    for (const event of Object.values(EntriesEvents)) {
      await waitFor(async () => (await eventIds(redis, event)).includes(id), { what: `${event} of ${id}`, timeoutMs: 5000 });
    }
    // the relay removed the tombstone once its event was out
    await waitFor(async () => (await db.collection('entries').countDocuments({ _id: new Types.ObjectId(id) })) === 0, {
      what: `the tombstone of ${id} removed`,
      timeoutMs: 5000,
    });
  });

  it('removes a deleted user’s entries (users.deleted), and nobody else’s', async () => {
    const leaving = await someone();
    const staying = await someone();
    await create(leaving, 'Gone with the account');
    await create(leaving, 'Also gone');
    const kept = await create(staying, 'Kept');

    expect((await call(`${stack.api}/users/${leaving.id}`, { method: 'DELETE', token: admin.token })).status).toBe(204);
    await waitFor(async () => (await db.collection('entries').countDocuments({ ownerId: leaving.id })) === 0, {
      what: 'the deleted user’s entries removed',
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
    await waitFor(async () => (await read()).status === 200, { what: 'the audit service serving again', timeoutMs: 20_000, intervalMs: 250 });
  });
});
