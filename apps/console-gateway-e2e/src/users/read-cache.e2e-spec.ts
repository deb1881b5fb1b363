import { UsersEvents } from '@site11/contracts';
import Redis from 'ioredis';
import { Types } from 'mongoose';
import { appendEvents } from '../support/events';
import { call, Stack } from '../support/stack';

interface User {
  id: string;
  name: string;
  roles: string[];
}

const itStreams = process.env['TRANSPORT'] === 'redis' ? it.skip : it;

let stack: Stack;
let admin: string;
let redis: Redis;
let seq = 0;

beforeAll(async () => {
  stack = await Stack.start();
  admin = await stack.adminToken();
  redis = new Redis(stack.redisUrl);
});

afterAll(async () => {
  redis?.disconnect();
  await stack?.stop();
});

async function createUser(): Promise<User> {
  const response = await call<User>(`${stack.api}/users`, {
    method: 'POST',
    token: admin,
    json: { email: `cache${Date.now().toString(36)}${seq++}@example.com`, name: 'Cached One' },
  });
  expect(response.status).toBe(201);
  return response.body;
}

const get = (id: string, token = admin, headers: Record<string, string> = {}) => call<User>(`${stack.api}/users/${id}`, { token, headers });
/** A change the gateway did not make (another service, an operator): only the users service's event tells. */
const renameBehindTheGatewaysBack = (id: string, name: string) =>
  stack.db.collection('users').updateOne({ _id: new Types.ObjectId(id) }, { $set: { name, nameLower: name.toLowerCase() } });

describe('GET /api/v1/users/:id through the read cache', () => {
  it('answers the second read from the cache, with what the users service stored', async () => {
    const user = await createUser();

    const first = await get(user.id);
    const second = await get(user.id);

    expect([first.status, second.status]).toEqual([200, 200]);
    expect([first.headers.get('x-cache'), second.headers.get('x-cache')]).toEqual(['miss', 'hit']);
    expect(second.body).toEqual(first.body);
    expect(second.body).toMatchObject({ id: user.id, name: 'Cached One' });
  });

  it('asks the users service for a request with Cache-Control: no-cache', async () => {
    const user = await createUser();
    await get(user.id);
    await renameBehindTheGatewaysBack(user.id, 'Fresh From Source');

    const cached = await get(user.id);
    const fresh = await get(user.id, admin, { 'cache-control': 'no-cache' });

    expect(cached.body.name).toBe('Cached One');
    expect(fresh.headers.get('x-cache')).toBe('bypass');
    expect(fresh.body.name).toBe('Fresh From Source');
  });

  it('shows a writer its own write at once, while other clients keep reading the same user', async () => {
    const user = await createUser();
    const other = await stack.signUp('cachereader');
    let reading = true;
    const statuses = new Set<number>();
    const readers = Array.from({ length: 4 }, async () => {
      while (reading) statuses.add((await get(user.id)).status);
    });
    try {
      for (let round = 1; round <= 8; round++) {
        const name = `Writer Round ${round}`;
        const patched = await call<User>(`${stack.api}/users/${user.id}`, { method: 'PATCH', token: admin, json: { name } });
        expect(patched.status).toBe(200);
        const read = await get(user.id);
        expect(read.body.name).toBe(name);
      }
    } finally {
      reading = false;
      await Promise.all(readers);
    }
    expect([...statuses]).toEqual([200]);
    // the owner reading themself sees the last write too (same representation, same entry)
    expect((await get(user.id)).body.name).toBe('Writer Round 8');
    // and nobody else's token is served the cached account
    expect((await get(user.id, other.accessToken)).status).toBe(403);
  });

  it('serves a user’s own account to them and refuses it to other users even when it is cached', async () => {
    const owner = await stack.signUp('cacheowner');
    const stranger = await stack.signUp('cachestranger');
    await get(owner.id); // cached by the admin's read

    const own = await get(owner.id, owner.accessToken);
    const refused = await get(owner.id, stranger.accessToken);

    expect(own.status).toBe(200);
    expect(own.headers.get('x-cache')).toBe('hit');
    expect(own.body.id).toBe(owner.id);
    expect(refused.status).toBe(403);
    expect(refused.headers.get('x-cache')).toBeNull();
  });

  it('invalidates what a read in lower case cached when the write spells the id in upper case', async () => {
    const user = await createUser();
    await get(user.id);

    const patched = await call<User>(`${stack.api}/users/${user.id.toUpperCase()}`, { method: 'PATCH', token: admin, json: { name: 'Spelled Loud' } });

    expect(patched.status).toBe(200);
    expect((await get(user.id)).body.name).toBe('Spelled Loud');
    expect((await get(user.id.toUpperCase())).body.name).toBe('Spelled Loud');
  });

  it('forgets a deleted user at once: the next read is a 404', async () => {
    const user = await createUser();
    expect((await get(user.id)).status).toBe(200);

    expect((await call(`${stack.api}/users/${user.id}`, { method: 'DELETE', token: admin })).status).toBe(204);

    expect((await get(user.id)).status).toBe(404);
  });

  itStreams('drops a cached user when the users service says it changed, whoever changed it', async () => {
    const user = await createUser();
    await get(user.id);
    await renameBehindTheGatewaysBack(user.id, 'Changed Elsewhere');
    expect((await get(user.id)).body.name).toBe('Cached One'); // nothing told the cache yet

    // what the users service's outbox relay publishes for that change
    await appendEvents(redis, UsersEvents.updated, 1, () => ({ data: { id: user.id, changed: ['name'] } }));

    let seen = '';
    for (const until = Date.now() + 5000; Date.now() < until && seen !== 'Changed Elsewhere'; await new Promise((r) => setTimeout(r, 50))) {
      seen = (await get(user.id)).body.name;
    }
    expect(seen).toBe('Changed Elsewhere');
  });

  itStreams('invalidates through the users service’s real events when roles change', async () => {
    const user = await createUser();
    await get(user.id);

    const patched = await call<User>(`${stack.api}/users/${user.id}`, { method: 'PATCH', token: admin, json: { roles: ['user', 'admin'] } });

    expect(patched.status).toBe(200);
    expect((await get(user.id)).body.roles).toEqual(['user', 'admin']);
    // the gateway reads the event through a consumer group of its own
    const groups = (await redis.xinfo('GROUPS', `evt:{users}:${UsersEvents.rolesChanged}`)) as unknown[][];
    expect(groups.map((fields) => fields[fields.indexOf('name') + 1])).toContain('console-gateway');
  });
});
