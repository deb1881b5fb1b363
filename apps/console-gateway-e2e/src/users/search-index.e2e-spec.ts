import Redis from 'ioredis';
import { Types } from 'mongoose';
import { randomUUID } from 'node:crypto';
import { waitFor } from '../../../../tools/platform/platform.cjs';
import { countEvents } from '../support/events';
import { call as rawCall, Stack } from '../support/stack';

/**
 * The users' search index (docs/users.md, "Search index"): `q` searches answered from Redis
 * sorted sets, kept by the write path, by the users service's own events (under its own Redis
 * user: the stack applies the per-app ACLs) and by rebuilds from the database.
 */

interface User {
  id: string;
  email: string;
  name: string;
  roles: string[];
  profile: Record<string, string>;
  createdAt: string;
  updatedAt: string;
}
interface Page {
  items: User[];
  nextCursor: string | null;
}
interface ErrorBody {
  statusCode: number;
  code: string;
  details?: { field: string }[];
}

let stack: Stack;
let adminToken: string;
let redis: Redis;
let seq = 0;

const call: typeof rawCall = (url, init = {}) => rawCall(url, { token: adminToken, ...init });
const unique = (prefix: string) => `${prefix}${Date.now().toString(36)}${(seq++).toString(36)}`;
const users = () => stack.db.collection('users');

/** The index's keys for this stack's database (apps/users/src/app/users/search-index/search-index.store.ts). */
function indexKeys() {
  const base = `usersearch:{users}:${stack.dbName}`;
  return {
    terms: `${base}:terms`,
    docs: `${base}:docs`,
    lease: `${base}:rebuild`,
    nextTerms: `${base}:terms:next`,
    nextDocs: `${base}:docs:next`,
    ready: `${base}:ready`,
  };
}

/** What losing Redis' data does to the index: its keys, and only its keys, are gone. */
async function dropIndex(): Promise<void> {
  await redis.del(...Object.values(indexKeys()));
}

const indexReady = async () => (await redis.exists(indexKeys().ready)) === 1;

beforeAll(async () => {
  // the outbox relay looks through its collection every second, not every 5 minutes: "repairs the
  // index from its own events" leaves events as an instance that crashed does, while this one runs
  stack = await Stack.start({ usersEnv: { OUTBOX_SCAN_MS: '1000' } });
  adminToken = await stack.adminToken();
  redis = new Redis(stack.redisUrl);
  await waitFor(indexReady, { what: 'the search index built at start', timeoutMs: 15_000 });
});

afterAll(async () => {
  redis?.disconnect();
  await stack?.stop();
});

async function createUser(email: string, name: string): Promise<User> {
  const response = await call<User>(`${stack.api}/users`, { method: 'POST', json: { email, name } });
  expect(response.status).toBe(201);
  return response.body;
}

async function search(q: string, query = ''): Promise<Page> {
  const response = await call<Page>(`${stack.api}/users?q=${encodeURIComponent(q)}${query}`);
  expect(response.status).toBe(200);
  return response.body;
}

/** Every page of a search: the ids in the order served, and the cursors given. */
async function walk(q: string, limit: number): Promise<{ ids: string[]; cursors: (string | null)[] }> {
  const ids: string[] = [];
  const cursors: (string | null)[] = [];
  let cursor: string | null = null;
  do {
    const page: Page = await search(q, `&limit=${limit}${cursor ? `&cursor=${cursor}` : ''}`);
    expect(page.items.length).toBeLessThanOrEqual(limit);
    ids.push(...page.items.map((u) => u.id));
    cursor = page.nextCursor;
    cursors.push(cursor);
  } while (cursor && cursors.length < 100);
  return { ids, cursors };
}

/** A user inserted straight into the database: neither the write path nor an event told the index. */
async function insertStraight(email: string, name: string, extra: (id: string) => Record<string, unknown> = () => ({})): Promise<string> {
  const _id = new Types.ObjectId();
  const now = new Date();
  await users().insertOne({ _id, email, name, nameLower: name.toLowerCase(), roles: ['user'], profile: {}, createdAt: now, updatedAt: now, ...extra(_id.toHexString()) });
  return _id.toHexString();
}

/** The outbox fields of a change whose instance died before publishing its event (the sweep finds it). */
function stranded(pattern: string, data: Record<string, unknown>) {
  const event = { id: randomUUID(), pattern, data, requestId: 'e2e-stranded', occurredAt: new Date(Date.now() - 60_000) };
  return { outbox: [event], outboxAt: event.occurredAt, outboxLast: event.id };
}

describe('admin search from the Redis index (GET /api/v1/users?q=)', () => {
  it('finds users created a moment ago with the very next search', async () => {
    const tag = unique('fresh');
    const created: User[] = [];
    for (let i = 0; i < 3; i++) created.push(await createUser(`${tag}-${i}@example.com`, `Fresh ${i}`));

    const page = await search(tag.toUpperCase());

    expect(page.items.map((u) => u.id).sort()).toEqual(created.map((u) => u.id).sort());
    expect(page.items.find((u) => u.id === created[0].id)).toEqual(created[0]);
    expect(page.nextCursor).toBeNull();
  });

  it('answers from the index, without the database: a user written straight into the database is not found', async () => {
    const tag = unique('straight');
    const id = await insertStraight(`${tag}@example.com`, 'Straight Into The Database');

    expect((await search(tag)).items).toEqual([]);
    expect((await call<User>(`${stack.api}/users/${id}`)).status).toBe(200);
    await users().deleteOne({ _id: new Types.ObjectId(id) });
  });

  it('finds a renamed user by the new name at once, and no longer by the old one, with its profile as it now is', async () => {
    const before = unique('before');
    const after = unique('after');
    const user = await createUser(`${unique('rename')}@example.com`, `${before} Person`);
    expect((await search(before)).items.map((u) => u.id)).toEqual([user.id]);

    const patched = await call<User>(`${stack.api}/users/${user.id}`, { method: 'PATCH', json: { name: `${after} Person`, profile: { bio: 'Renamed' } } });
    expect(patched.status).toBe(200);

    expect((await search(after)).items).toEqual([patched.body]);
    expect((await search(before)).items).toEqual([]);
    // the change went out as users.updated, naming what changed, for readers that keep users
    expect(await countEvents(redis, 'users.updated', (data) => data['id'] === user.id && JSON.stringify(data['changed']) === '["name","profile"]')).toBe(1);
  });

  it('keeps roles in the results as an admin sets them', async () => {
    const tag = unique('roles');
    const user = await createUser(`${tag}@example.com`, 'Roles Person');
    expect((await call(`${stack.api}/users/${user.id}`, { method: 'PATCH', json: { roles: ['user', 'admin'] } })).status).toBe(200);
    expect((await search(tag)).items.map((u) => u.roles)).toEqual([['user', 'admin']]);
  });

  it('drops a deleted user from the results at once', async () => {
    const tag = unique('deleted');
    const user = await createUser(`${tag}@example.com`, 'Soon Gone');
    expect((await search(tag)).items).toHaveLength(1);

    expect((await call(`${stack.api}/users/${user.id}`, { method: 'DELETE' })).status).toBe(204);

    expect((await search(tag)).items).toEqual([]);
  });

  it('lists a user whose email and name both start with q once', async () => {
    const tag = unique('both');
    const user = await createUser(`${tag}@example.com`, `${tag} Both Ways`);

    const page = await search(tag, '&limit=1');

    expect(page).toEqual({ items: [expect.objectContaining({ id: user.id })], nextCursor: null });
  });

  it('pages through every match in term order, then id, without duplicates or gaps', async () => {
    const tag = unique('page');
    const byEmail: User[] = [];
    const byName: User[] = [];
    const byBoth: User[] = [];
    for (let i = 0; i < 9; i++) byEmail.push(await createUser(`${tag}.e${i}@example.com`, `Other ${i}`));
    for (let i = 0; i < 8; i++) byName.push(await createUser(`${unique('n')}@example.com`, `${tag} N${i}`));
    for (let i = 0; i < 6; i++) byBoth.push(await createUser(`${tag}.b${i}@example.com`, `${tag} B${i}`));
    const all = [...byEmail, ...byName, ...byBoth];
    // a user is listed at its email when the email matches, else at its name
    const termOf = (u: User) => (u.email.startsWith(tag) ? u.email : u.name.toLowerCase());
    const expected = [...all]
      .sort((a, b) => Buffer.compare(Buffer.from(`${termOf(a)}\0${a.id}`), Buffer.from(`${termOf(b)}\0${b.id}`)))
      .map((u) => u.id);

    const { ids, cursors } = await walk(tag, 4);

    expect(ids).toEqual(expected);
    expect(new Set(ids).size).toBe(all.length);
    expect(cursors).toHaveLength(Math.ceil(all.length / 4));
    expect(cursors.slice(0, -1).every((cursor) => /^s\.[A-Za-z0-9_-]+$/.test(cursor ?? ''))).toBe(true);
    expect(cursors[cursors.length - 1]).toBeNull();
  });

  it.each([
    ['an operator as q', 'q[$ne]=null', 'q[$ne]'],
    ['a search cursor of another q', 'q=zzz&cursor=FROM_OTHER_Q', 'cursor'],
    ['a search cursor that is not one', 'q=abc&cursor=s.AAAA', 'cursor'],
    ['a search cursor without q', 'cursor=FROM_OTHER_Q', 'cursor'],
    ['a cursor of neither kind', 'q=abc&cursor=x.AAAAAAAAAAAAAAAA', 'cursor'],
  ])('returns 400 VALIDATION for %s', async (_case, query, field) => {
    const tag = unique('cursor');
    await createUser(`${tag}-1@example.com`, 'Cursor One');
    await createUser(`${tag}-2@example.com`, 'Cursor Two');
    const cursor = (await search(tag, '&limit=1')).nextCursor as string;
    expect(cursor).toMatch(/^s\./);

    const response = await call<ErrorBody>(`${stack.api}/users?${query.replace('FROM_OTHER_Q', cursor)}`);

    expect(response.status).toBe(400);
    expect(response.body.code).toBe('VALIDATION');
    expect(response.body.details?.map((d) => d.field)).toContain(field);
  });

  it('repairs the index from its own events when an instance died between its database write and the index', async () => {
    // each change written as a crashed instance leaves it: in the database with its event still in
    // the outbox, the index untouched; the outbox scan (OUTBOX_SCAN_MS, 1 s here) publishes the
    // event, the service reads it
    const created = unique('evcreated');
    await insertStraight(`${created}@example.com`, 'Event Created', (id) => stranded('users.created', { id, email: `${created}@example.com`, roles: ['user'] }));

    const oldName = unique('evold');
    const newName = unique('evnew');
    const renamed = await createUser(`${unique('ev')}@example.com`, `${oldName} Person`);
    await users().updateOne(
      { _id: new Types.ObjectId(renamed.id) },
      { $set: { name: `${newName} Person`, nameLower: `${newName} person`, updatedAt: new Date(), ...stranded('users.updated', { id: renamed.id, changed: ['name'] }) } },
    );

    const gone = unique('evgone');
    const deleted = await createUser(`${gone}@example.com`, 'Event Deleted');
    await users().updateOne({ _id: new Types.ObjectId(deleted.id) }, { $set: { deletedAt: new Date(), ...stranded('users.deleted', { id: deleted.id }) } });

    await waitFor(
      async () =>
        (await search(created)).items.length === 1 &&
        (await search(newName)).items.length === 1 &&
        (await search(oldName)).items.length === 0 &&
        (await search(gone)).items.length === 0,
      { what: 'the index repaired from users.created, users.updated and users.deleted', timeoutMs: 20_000, intervalMs: 250 },
    );
    // read through the users service's own consumer group, nothing left pending once every handler
    // of the group (the index, and the mail worker for users.created) has acknowledged it
    const usersGroup = async (event: string) => {
      const groups = (await redis.xinfo('GROUPS', `evt:{users}:${event}`)) as unknown[][];
      return groups.map((fields) => Object.fromEntries(Array.from({ length: fields.length / 2 }, (_, i) => [fields[2 * i], fields[2 * i + 1]]))).find((g) => g['name'] === 'users');
    };
    for (const event of ['users.created', 'users.updated', 'users.deleted']) {
      // read (lag 0: nothing left unread; null where Redis cannot tell) and acknowledged (pending 0)
      const done = (group?: Record<string, unknown>) => group?.['pending'] === 0 && (group?.['lag'] ?? 0) === 0;
      await waitFor(async () => done(await usersGroup(event)), { what: `${event} read and acknowledged by the users group`, timeoutMs: 20_000, intervalMs: 250 });
      expect(await usersGroup(event)).toMatchObject({ name: 'users', pending: 0 });
    }
  });

  it('rebuilds a lost index from the database at start, users written straight into it included, and searches the database meanwhile', async () => {
    const tag = unique('rebuild');
    const viaApi = await createUser(`${tag}-api@example.com`, 'Via The Api');
    const straight = await insertStraight(`${tag}-db@example.com`, 'Straight Into The Database');
    expect((await search(tag)).items.map((u) => u.id)).toEqual([viaApi.id]);

    await dropIndex();
    // no index: the database answers, and it knows both
    expect((await search(tag)).items.map((u) => u.id).sort()).toEqual([viaApi.id, straight].sort());

    await stack.restartUsers();
    await waitFor(indexReady, { what: 'the search index rebuilt at start', timeoutMs: 20_000 });

    expect((await search(tag)).items.map((u) => u.id).sort()).toEqual([viaApi.id, straight].sort());
    const live = await users().countDocuments({ deletedAt: { $exists: false } });
    const docs = await redis.hvals(indexKeys().docs);
    expect(docs.filter((doc) => !(JSON.parse(doc) as { gone?: boolean }).gone)).toHaveLength(live);
  });

  it('loses no write made while a rebuild runs, with the rebuilding replica paused in the middle of it', async () => {
    // enough users for the rebuild's read of the database to take a moment
    const filler = unique('filler');
    const now = new Date();
    await users().insertMany(
      Array.from({ length: 3_000 }, (_, i) => {
        const name = `${filler} ${i}`;
        return { _id: new Types.ObjectId(), email: `${filler}-${i}@example.com`, name, nameLower: name, roles: ['user'], profile: {}, createdAt: now, updatedAt: now };
      }),
    );
    await stack.addUsersReplica();
    const oldName = unique('duringold');
    const newName = unique('duringnew');
    const renamed = await createUser(`${unique('during')}@example.com`, `${oldName} Person`);
    const gone = unique('duringgone');
    const deleted = await createUser(`${gone}@example.com`, 'Deleted During');
    const created = unique('duringcreated');

    await dropIndex();
    // a replica's periodic check finds no index and takes the lease (its build id names it)
    let rebuilder: (typeof stack.usersReplicas)[number] | undefined;
    await waitFor(
      async () => {
        const lease = await redis.get(indexKeys().lease);
        rebuilder = stack.usersReplicas.find((replica) => lease?.startsWith(`replica-${replica.healthPort}:`));
        return rebuilder !== undefined;
      },
      { what: 'a rebuild under way', timeoutMs: 15_000, intervalMs: 5 },
    );
    const paused = rebuilder as (typeof stack.usersReplicas)[number];
    paused.child.kill('SIGSTOP');
    let createdUser: User;
    try {
      // the other replica serves the writes (taking over what the paused one had read)
      [createdUser] = await Promise.all([
        createUser(`${created}@example.com`, 'Created During'),
        call(`${stack.api}/users/${renamed.id}`, { method: 'PATCH', json: { name: `${newName} Person` } }).then((r) => expect(r.status).toBe(200)),
        call(`${stack.api}/users/${deleted.id}`, { method: 'DELETE' }).then((r) => expect(r.status).toBe(204)),
      ]);
      expect(await redis.get(indexKeys().lease)).toMatch(`replica-${paused.healthPort}:`);
      expect(await indexReady()).toBe(false);
    } finally {
      paused.child.kill('SIGCONT');
    }

    await waitFor(indexReady, { what: 'the rebuild finished', timeoutMs: 30_000, intervalMs: 100 });

    expect((await search(created)).items.map((u) => u.id)).toEqual([createdUser.id]);
    expect((await search(newName)).items.map((u) => u.id)).toEqual([renamed.id]);
    expect((await search(oldName)).items).toEqual([]);
    expect((await search(gone)).items).toEqual([]);
    expect((await search(`${filler} 2999`)).items).toHaveLength(1);
    const live = await users().countDocuments({ deletedAt: { $exists: false } });
    const docs = await redis.hvals(indexKeys().docs);
    expect(docs.filter((doc) => !(JSON.parse(doc) as { gone?: boolean }).gone)).toHaveLength(live);
  }, 120_000);
});
