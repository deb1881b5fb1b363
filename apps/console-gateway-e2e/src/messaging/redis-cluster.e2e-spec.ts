import { UsersEvents } from '@site11/contracts';
import { StreamKeys } from '@site11/messaging';
import type { Cluster } from 'ioredis';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import SERVICES from '../../../../tools/platform/services.json';
import { eventsFor } from '../support/events';
import { call, Stack } from '../support/stack';
import { claimsOf } from '../support/tokens';
import { createMany, sessionsRevoked, startReplicas, uniqueEmail } from '../support/users-load';

/**
 * The whole platform on a real Redis Cluster: three masters started locally, an ACL user per app
 * on every node, and every app given REDIS_CLUSTER_NODES, so each of its connections is a cluster
 * client. Every script, transaction, pipeline and multi-stream read the apps make must keep its
 * keys in one hash slot, or Redis answers CROSSSLOT and these cases fail (docs/messaging.md,
 * "Redis Cluster"). Runs on the streams transport only: the pub/sub one refuses a cluster.
 */
const describeCluster = process.env['TRANSPORT'] === 'redis' ? describe.skip : describe;

/** The defaults: nothing of the transport is tuned for this suite. */
const DEADLINE_MS = 5000;

/** What the apps logged: a refused multi-slot command would show here if it were only logged. */
function appLogs(stack: Stack): string {
  return readdirSync(stack.logDir)
    .filter((file) => file.endsWith('.log'))
    .map((file) => readFileSync(join(stack.logDir, file), 'utf8'))
    .join('\n');
}

/** Denials Redis recorded on one node since its start: what was refused to which user. */
async function aclDenials(node: { call(...args: string[]): Promise<unknown> }): Promise<string[]> {
  const entries = (await node.call('ACL', 'LOG')) as (string | number)[][];
  return entries.map((entry) => {
    const fields = new Map<string, string>();
    for (let i = 0; i + 1 < entry.length; i += 2) fields.set(String(entry[i]), String(entry[i + 1]));
    return `${fields.get('username')}: ${fields.get('reason')} ${fields.get('object')} (${fields.get('context')})`;
  });
}

describeCluster('the platform on a Redis Cluster', () => {
  let stack: Stack;
  let redis: Cluster;
  let admin: string;

  beforeAll(async () => {
    // debug: a refused command the transport only retries (reclaim, a connection's errors) is logged too
    stack = await Stack.start({ redisCluster: true, logLevel: 'debug' });
    redis = stack.redisClient() as Cluster;
    admin = await stack.adminToken();
  });

  afterAll(async () => {
    redis?.disconnect();
    await stack?.stop();
  });

  it('runs every app against the cluster, its keys spread over all three masters', async () => {
    const info = await redis.cluster('INFO');
    expect(info).toMatch(/cluster_state:ok/);
    expect(info).toMatch(/cluster_size:3/);

    // every app announced itself, ready (separate commands now: the registry's keys are in several
    // slots); the gateway's first beat may come before its readiness, so wait for the next
    const everyApp = ['console-gateway', ...SERVICES.map((service) => service.name)];
    let ready: string[] = [];
    for (const deadline = Date.now() + 10_000; Date.now() < deadline; await new Promise((resolve) => setTimeout(resolve, 250))) {
      const services = await call<{ name: string; instances: { status: string }[] }[]>(`${stack.api}/services`, { token: admin });
      expect(services.status).toBe(200);
      ready = services.body.filter((service) => service.instances.some((instance) => instance.status === 'ready')).map((service) => service.name);
      if (everyApp.every((name) => ready.includes(name))) break;
    }
    expect(ready).toEqual(expect.arrayContaining(everyApp));
    expect((await call(`${stack.gatewayUrl}/health/ready`)).status).toBe(200);

    // the request streams of the services do not all hash to one master: the cases below cross nodes
    const masters = redis.nodes('master');
    expect(masters).toHaveLength(3);
    const sizes = await Promise.all(masters.map((node) => node.dbsize()));
    expect(sizes.every((size) => size > 0)).toBe(true);
  });

  it('serves the users CRUD through the gateway: transport, idempotency, read cache and search index', async () => {
    const address = uniqueEmail('cluster-crud');
    const created = await call<{ id: string; name: string }>(`${stack.api}/users`, {
      method: 'POST',
      token: admin,
      json: { email: address, name: 'Cluster Crud' },
      headers: { 'idempotency-key': `cluster-crud-${Date.now()}` },
    });
    expect(created.status).toBe(201);
    const { id } = created.body;

    const first = await call(`${stack.api}/users/${id}`, { token: admin });
    const second = await call(`${stack.api}/users/${id}`, { token: admin });
    expect([first.status, second.status]).toEqual([200, 200]);
    expect([first.headers.get('x-cache'), second.headers.get('x-cache')]).toEqual(['miss', 'hit']);

    const renamed = await call(`${stack.api}/users/${id}`, { method: 'PATCH', token: admin, json: { name: 'Cluster Renamed' } });
    expect(renamed.status).toBe(200);
    // the write invalidated the cached views (version, views and lock share one slot)
    expect((await call(`${stack.api}/users/${id}`, { token: admin })).body).toMatchObject({ id, name: 'Cluster Renamed' });
    // the search index (sorted sets and hash in the {users} slot) has the new name at once
    const found = await call<{ items: { id: string }[] }>(`${stack.api}/users?q=${encodeURIComponent('cluster renamed')}`, { token: admin });
    expect(found.status).toBe(200);
    expect(found.body.items.map((user) => user.id)).toContain(id);

    expect((await call(`${stack.api}/users/${id}`, { method: 'DELETE', token: admin })).status).toBe(204);
    expect((await call(`${stack.api}/users/${id}`, { token: admin })).status).toBe(404);
    expect(await eventsFor(redis, UsersEvents.created, [address])).toBe(1);
  });

  it('answers every request within its deadline when a users replica is killed while holding some, without duplicates', async () => {
    const victim = (await startReplicas(stack, 2))[0];
    const pending = createMany(stack, admin, 'cluster-killed', 24, 'a slow argon2 password');
    await new Promise((resolve) => setTimeout(resolve, 150));
    victim.child.kill('SIGKILL');
    const started = Date.now();
    const { emails, statuses } = await pending;

    expect(statuses).toEqual(Array(24).fill(201));
    expect(Date.now() - started).toBeLessThan(DEADLINE_MS);
    expect(await eventsFor(redis, UsersEvents.created, emails)).toBe(24);
    expect(await stack.db.collection('users').countDocuments({ email: { $in: emails } })).toBe(24);
    // nothing is left pending once the survivors reclaimed the dead replica's work
    const deadline = Date.now() + 5000;
    let pendingCount = -1;
    while (pendingCount !== 0 && Date.now() < deadline) {
      pendingCount = ((await redis.xpending(StreamKeys.requests('users'), 'users')) as [number])[0];
      if (pendingCount !== 0) await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(pendingCount).toBe(0);
  });

  it('delivers events emitted while a subscriber was down once it is back, and denies every session of the deleted users', async () => {
    const victims: { id: string; sids: string[]; tokens: string[] }[] = [];
    for (let i = 0; i < 3; i++) {
      const address = uniqueEmail('cluster-gone');
      await call(`${stack.api}/auth/register`, { method: 'POST', json: { email: address, password: 'a fine password', name: 'Gone' } });
      // two sessions each: their denylist keys are in different slots
      const sessions = [await stack.login(address, 'a fine password'), await stack.login(address, 'a fine password')];
      victims.push({
        id: claimsOf(sessions[0].accessToken).sub,
        sids: sessions.map((session) => claimsOf(session.accessToken).sid),
        tokens: sessions.map((session) => session.accessToken),
      });
    }

    await stack.restartOauth(async () => {
      for (const { id } of victims) {
        expect((await call(`${stack.api}/users/${id}`, { method: 'DELETE', token: admin })).status).toBe(204);
      }
    });

    const sids = victims.flatMap((victim) => victim.sids);
    expect(await sessionsRevoked(stack, sids, 'user deleted')).toBe(sids.length);
    for (const token of victims.flatMap((victim) => victim.tokens)) {
      expect((await call(`${stack.api}/auth/me`, { token })).body).toMatchObject({ code: 'AUTH.TOKEN_REVOKED' });
    }
  });

  it('refused no app anything: no CROSSSLOT, no ACL denial on any node', async () => {
    expect(appLogs(stack)).not.toMatch(/CROSSSLOT|same slot|slots allocation group/);
    for (const node of redis.nodes('master')) expect(await aclDenials(node)).toEqual([]);
  });
});
