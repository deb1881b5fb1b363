import type { UserDto } from '@site11/contracts';
import { sharedClusterSlot } from '@site11/redis';
import Redis from 'ioredis';
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Launched, startRedis } from '../../../../../../tools/platform/platform.cjs';
import { indexedUser, listedUser, termsOf } from './search-entries';
import { SearchIndexStore } from './search-index.store';

/** A real Redis: REDIS_URL when given (each test has a hash tag of its own), else a redis-server of this file's own. */
let server: Launched | null = null;
let redis: Redis;
beforeAll(async () => {
  let url = process.env['REDIS_URL'];
  if (!url) {
    const started = await startRedis({ dir: mkdtempSync(join(tmpdir(), 'users-search-redis-')) });
    server = started;
    url = started.url;
  }
  redis = new Redis(url);
});
afterAll(async () => {
  redis?.disconnect();
  await server?.stop();
});

/** A store of its own per test: its own hash tag, so tests never share keys. */
function newStore(): SearchIndexStore {
  return new SearchIndexStore(redis, 'users_test', `{t${randomBytes(4).toString('hex')}}`);
}

let seq = 0;
function user(overrides: Partial<UserDto> = {}, updatedAt = 1_000): UserDto {
  const id = (seq++).toString(16).padStart(24, '0');
  return {
    id,
    email: `user${id}@example.com`,
    name: 'Some One',
    roles: ['user'],
    emailVerified: false,
    mfaEnabled: false,
    profile: {},
    createdAt: new Date(0).toISOString(),
    updatedAt: new Date(updatedAt).toISOString(),
    ...overrides,
  };
}
const later = (u: UserDto, changes: Partial<UserDto>, updatedAt: number): UserDto => ({ ...u, ...changes, updatedAt: new Date(updatedAt).toISOString() });

/** Marks the live index ready, as a finished rebuild does. */
async function markReady(store: SearchIndexStore): Promise<void> {
  await redis.set(store.keys.ready, String(Date.now()));
}

/** Every user listed for `prefix`, walking the whole range. */
async function search(store: SearchIndexStore, prefix: string): Promise<UserDto[] | null> {
  const entries = await store.range(prefix, null, 1000);
  if (entries === null) return null;
  return entries.map(({ member, doc }) => listedUser(member, doc, prefix)).filter((u): u is UserDto => u !== null);
}

describe('SearchIndexStore (real Redis)', () => {
  it('answers nothing (null) until an index is marked ready, so searches go to the database', async () => {
    const store = newStore();
    await store.upsert(user({ name: 'Ready Check' }));
    expect(await store.range('ready', null, 10)).toBeNull();
    await markReady(store);
    expect(await search(store, 'ready')).toHaveLength(1);
  });

  it("replaces a user's old terms with the new ones in one step when the name changes", async () => {
    const store = newStore();
    await markReady(store);
    const ada = user({ name: 'Ada Lovelace' }, 1_000);
    await store.upsert(ada);
    await store.upsert(later(ada, { name: 'Ada King' }, 2_000));

    expect((await search(store, 'ada k'))?.map((u) => u.name)).toEqual(['Ada King']);
    expect(await search(store, 'ada l')).toEqual([]);
    expect(await redis.zcard(store.keys.terms)).toBe(termsOf(ada).length);
  });

  it('refuses a copy of a user older than the one indexed, so a slow writer cannot undo a newer write', async () => {
    const store = newStore();
    await markReady(store);
    const grace = user({ name: 'Grace New' }, 2_000);
    await store.upsert(grace);
    expect(await store.upsert(later(grace, { name: 'Grace Old' }, 1_000))).toBe(false);
    expect((await search(store, 'grace'))?.map((u) => u.name)).toEqual(['Grace New']);
  });

  it('keeps a deleted user deleted when a late write of it arrives', async () => {
    const store = newStore();
    await markReady(store);
    const gone = user({ name: 'Gone Soon' }, 1_000);
    await store.upsert(gone);
    await store.remove(gone.id);
    expect(await store.upsert(later(gone, { name: 'Gone Soon' }, 5_000))).toBe(false);
    expect(await search(store, 'gone')).toEqual([]);
    expect(await redis.zcard(store.keys.terms)).toBe(0);
  });

  it('orders a range by term, then id, bytewise (multibyte terms included), and continues after a member', async () => {
    const store = newStore();
    await markReady(store);
    const users = [user({ name: 'Zoë B' }), user({ name: 'Zoe A' }), user({ name: 'Zoë A' }), user({ name: 'Zo' })];
    for (const u of users) await store.upsert(u);

    const all = await store.range('zo', null, 100);
    const names = all?.map(({ member }) => member.split('\0')[0]);
    expect(names).toEqual(['zo', 'zoe a', 'zoë a', 'zoë b']);
    const rest = await store.range('zo', all?.[1].member ?? null, 100);
    expect(rest?.map(({ member }) => member.split('\0')[0])).toEqual(['zoë a', 'zoë b']);
    expect((await store.range('zoë', null, 100))?.length).toBe(2);
  });

  it('treats the prefix as bytes: Redis range syntax and patterns in it match nothing else', async () => {
    const store = newStore();
    await markReady(store);
    await store.upsert(user({ name: '[bracket' }));
    await store.upsert(user({ name: 'plain' }));
    expect((await search(store, '[br'))?.map((u) => u.name)).toEqual(['[bracket']);
    expect(await search(store, '(')).toEqual([]);
    expect(await search(store, '*')).toEqual([]);
  });

  it('lets one instance rebuild at a time, and stops a rebuild whose lease another took over', async () => {
    const store = newStore();
    expect(await store.beginRebuild('a', 10_000)).toBe(true);
    expect(await store.beginRebuild('b', 10_000)).toBe(false);
    expect(await store.renewLease('b', 10_000)).toBe(false);
    await redis.del(store.keys.lease); // a's lease expired
    expect(await store.beginRebuild('b', 10_000)).toBe(true);

    expect(await store.addToRebuild('a', [indexedUser(user())])).toBe(false);
    expect(await store.finishRebuild('a')).toBe(false);
    expect(await store.readyAt()).toBeNull();
    expect(await store.finishRebuild('b')).toBe(true);
    expect(await store.readyAt()).toEqual(expect.any(Number));
    expect(await redis.exists(store.keys.lease)).toBe(0);
  });

  it('serves the old index during a rebuild and puts the rebuilt one in place in one step', async () => {
    const store = newStore();
    await markReady(store);
    const before = user({ name: 'Before Rebuild' });
    await store.upsert(before);
    await store.remove(user().id);

    expect(await store.beginRebuild('r', 10_000)).toBe(true);
    const after = user({ name: 'Only In Database' });
    expect(await store.addToRebuild('r', [indexedUser(after)])).toBe(true);
    expect((await search(store, 'before'))?.map((u) => u.id)).toEqual([before.id]);
    expect(await search(store, 'only')).toEqual([]);

    expect(await store.finishRebuild('r')).toBe(true);
    expect(await search(store, 'before')).toEqual([]);
    expect((await search(store, 'only'))?.map((u) => u.id)).toEqual([after.id]);
    // the live index is exactly what was rebuilt: no leftover keys, no old tombstones
    expect(await redis.exists(store.keys.nextTerms, store.keys.nextDocs)).toBe(0);
    expect(await redis.hlen(store.keys.docs)).toBe(1);
  });

  it('loses no write made during a rebuild, however the rebuild’s older reads of the same users arrive', async () => {
    const store = newStore();
    const renamed = user({ name: 'Old Name' }, 1_000);
    const deleted = user({ name: 'Deleted Meanwhile' }, 1_000);
    const created = user({ name: 'Created Meanwhile' }, 3_000);
    const untouched = user({ name: 'Untouched' }, 1_000);
    expect(await store.beginRebuild('r', 10_000)).toBe(true);
    // what the rebuild read from the database before the writes, part of it written before them
    expect(await store.addToRebuild('r', [indexedUser(renamed)])).toBe(true);
    // writes while the rebuild runs: the write path (or an event) applies them to both copies
    await store.upsert(later(renamed, { name: 'New Name' }, 2_000));
    await store.remove(deleted.id);
    await store.upsert(created);
    // the rest of the rebuild's reads, from before the writes
    expect(await store.addToRebuild('r', [indexedUser(renamed), indexedUser(deleted), indexedUser(untouched)])).toBe(true);
    expect(await store.finishRebuild('r')).toBe(true);

    expect((await search(store, 'new'))?.map((u) => u.id)).toEqual([renamed.id]);
    expect(await search(store, 'old')).toEqual([]);
    expect(await search(store, 'deleted')).toEqual([]);
    expect((await search(store, 'created'))?.map((u) => u.id)).toEqual([created.id]);
    expect((await search(store, 'untouched'))?.map((u) => u.id)).toEqual([untouched.id]);
  });

  it('keeps a user deleted in the live index out of a rebuild that a late write reaches', async () => {
    const store = newStore();
    const gone = user({ name: 'Deleted Before' }, 1_000);
    await store.upsert(gone);
    await store.remove(gone.id);
    expect(await store.beginRebuild('r', 10_000)).toBe(true);
    expect(await store.upsert(later(gone, {}, 2_000))).toBe(false);
    expect(await store.finishRebuild('r')).toBe(true);
    expect(await search(store, 'deleted')).toEqual([]);
  });

  it('gives up a rebuild without touching the live index', async () => {
    const store = newStore();
    await markReady(store);
    const kept = user({ name: 'Kept' });
    await store.upsert(kept);
    expect(await store.beginRebuild('r', 10_000)).toBe(true);
    await store.addToRebuild('r', [indexedUser(user({ name: 'Abandoned' }))]);
    await store.abortRebuild('r');
    expect(await redis.exists(store.keys.lease, store.keys.nextTerms, store.keys.nextDocs)).toBe(0);
    expect((await search(store, 'kept'))?.map((u) => u.id)).toEqual([kept.id]);
  });

  it('loads its scripts again after Redis forgot them', async () => {
    const store = newStore();
    await markReady(store);
    await store.upsert(user({ name: 'Before Flush' }));
    await redis.script('FLUSH');
    await store.upsert(user({ name: 'After Flush' }));
    expect(await search(store, 'after')).toHaveLength(1);
  });

  it('keeps every key of the index in the {users} slot, so its scripts run on Redis Cluster', () => {
    const keys = Object.values(new SearchIndexStore(redis, 'users_db').keys);
    expect(keys.every((key) => key.startsWith('usersearch:{users}:users_db:'))).toBe(true);
    // CRC16 as Redis Cluster hashes them: the rebuild's RENAMEs and every script stay on one slot
    expect(sharedClusterSlot(keys)).not.toBeNull();
  });
});
