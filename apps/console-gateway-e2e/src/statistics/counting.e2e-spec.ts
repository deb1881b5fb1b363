import { ApplicationsEvents, UsersEvents } from '@site11/contracts';
import { StreamKeys } from '@site11/messaging';
import Redis from 'ioredis';
import type { Connection } from 'mongoose';
import { randomBytes } from 'node:crypto';
import { waitFor } from '../../../../tools/platform/platform.cjs';
import { appendEvents } from '../support/events';
import { call, Stack } from '../support/stack';

interface Series {
  metric: string;
  interval: string;
  points: { t: string; value: number }[];
}

const itStreams = process.env['TRANSPORT'] === 'redis' ? it.skip : it;
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
let stack: Stack;
let redis: Redis;
let db: Connection;
let admin: string;

beforeAll(async () => {
  // its own Redis: statistics' consumer groups must see this stack's streams and no other's
  stack = await Stack.start({ ownRedis: true, servicesEnv: { statistics: { STATISTICS_ROLLUP_MS: '300' } } });
  redis = new Redis(stack.redisUrl);
  db = await stack.serviceDb('statistics');
  admin = await stack.adminToken();
});

afterAll(async () => {
  redis?.disconnect();
  await db?.dropDatabase().catch(() => undefined);
  await db?.close();
  await stack?.stop();
});

/**
 * Appends events to a stream as an outbox relay does (`{ data, metadata }` with an event id),
 * `count` of them, in pipelines of 500.
 */
function emit(pattern: string, count: number, event: (i: number) => { data: Record<string, unknown>; at?: number; id?: string }): Promise<string[]> {
  return appendEvents(redis, pattern, count, event);
}

async function series(query: Record<string, string>, token = admin) {
  return call<Series & { code?: string; series?: { group: string | null; points: { value: number }[] }[] }>(
    `${stack.api}/statistics/series?${new URLSearchParams({ interval: 'hour', ...query })}`,
    { token },
  );
}

const sum = (points: { value: number }[]) => points.reduce((total, point) => total + point.value, 0);

async function total(metric: string, from: number, to: number, extra: Record<string, string> = {}): Promise<number> {
  const answer = await series({ metric, from: new Date(from).toISOString(), to: new Date(to).toISOString(), ...extra });
  expect(answer.status).toBe(200);
  return sum(answer.body.points);
}

/** Events stored but not rolled up: the pending windows (`pending_<ms>`) statistics has not dropped yet. */
async function pendingCount(): Promise<number> {
  let count = 0;
  for (const { name } of await db.db!.listCollections({ name: { $regex: '^pending_' } }, { nameOnly: true }).toArray()) count += await db.collection(name).countDocuments({});
  return count;
}

/** Whether statistics' group has read and acknowledged every entry of the stream. */
async function drained(pattern: string): Promise<boolean> {
  const groups = (await redis.xinfo('GROUPS', StreamKeys.events(pattern))) as unknown[][];
  const group = groups.map((fields) => Object.fromEntries(Array.from({ length: fields.length / 2 }, (_, i) => [fields[2 * i], fields[2 * i + 1]]))).find((g) => g['name'] === 'statistics');
  return Boolean(group) && Number(group?.['pending']) === 0 && Number(group?.['lag']) === 0;
}

/** Until statistics stored every entry of the stream. */
async function stored(pattern: string): Promise<void> {
  await waitFor(() => drained(pattern), { what: `statistics to store ${pattern}`, timeoutMs: 60_000, intervalMs: 200 });
}

/** Until statistics stored every entry of the stream and rolled everything up. */
async function settled(pattern: string): Promise<void> {
  await waitFor(async () => (await drained(pattern)) && (await pendingCount()) === 0, {
    what: `statistics to count and roll up ${pattern}`,
    timeoutMs: 60_000,
    intervalMs: 200,
  });
}

describe('statistics counts every event exactly once', () => {
  itStreams('answers from the events it stored before any rollup has run (the live tail), the same as after', async () => {
    await stack.restartService('statistics', 'SIGTERM', { STATISTICS_ROLLUP_MS: '600000' });
    const metric = UsersEvents.created;
    const from = Date.now() - HOUR;
    const to = Date.now() + HOUR;
    const before = { minute: 0, hour: 0, day: 0 };
    for (const interval of ['minute', 'hour', 'day'] as const) before[interval] = await total(metric, from, to, { interval });
    await emit(metric, 500, (i) => ({ data: { id: `tail${i}`, email: 'x@example.com', roles: ['user'] } }));
    await stored(metric);
    for (const interval of ['minute', 'hour', 'day'] as const) expect(await total(metric, from, to, { interval })).toBe(before[interval] + 500);
    // all of it from the live tail: nothing was rolled up
    expect(await pendingCount()).toBeGreaterThanOrEqual(500);

    await stack.restartService('statistics', 'SIGTERM', { STATISTICS_ROLLUP_MS: '300' });
    await settled(metric);
    for (const interval of ['minute', 'hour', 'day'] as const) expect(await total(metric, from, to, { interval })).toBe(before[interval] + 500);
  });

  itStreams('counts N events exactly once across a SIGKILL mid-stream, a replay of the whole stream and two replicas', async () => {
    const from = Date.now() - HOUR;
    const to = Date.now() + HOUR;
    const metric = ApplicationsEvents.configPublished;
    await settled(metric).catch(() => undefined);
    const before = await total(metric, from, to);
    const N = 3000;
    const emitting = emit(metric, N, (i) => ({ data: { applicationId: `app-${i % 7}`, env: 'prod', version: i, author: 'aaaaaaaaaaaaaaaaaaaaaaaa' } }));

    // killed while it reads: what it took but had not stored is delivered again to the restarted one
    await waitFor(async () => (await pendingCount()) + (await total(metric, from, to)) - before > 200, {
      what: 'statistics to start counting',
      timeoutMs: 30_000,
    });
    await stack.restartService('statistics', 'SIGKILL');
    await emitting;
    await settled(metric);
    expect(await total(metric, from, to)).toBe(before + N);

    // the whole stream again, from its first entry: every event is a duplicate
    await redis.xgroup('SETID', StreamKeys.events(metric), 'statistics', '0');
    await settled(metric);
    expect(await total(metric, from, to)).toBe(before + N);

    // two replicas share the group and the rollup lease; another replay while both run
    await stack.addServiceReplica('statistics', { STATISTICS_ROLLUP_MS: '300' });
    await emit(metric, 1000, (i) => ({ data: { applicationId: `app-${i}`, env: 'dev', version: i, author: 'aaaaaaaaaaaaaaaaaaaaaaaa' } }));
    await redis.xgroup('SETID', StreamKeys.events(metric), 'statistics', '0');
    await settled(metric);
    expect(await total(metric, from, to)).toBe(before + N + 1000);
    // the same from the minute, hour and day buckets
    for (const interval of ['minute', 'hour', 'day']) {
      const answer = await series({ metric, from: new Date(from).toISOString(), to: new Date(to).toISOString(), interval });
      expect({ interval, total: sum(answer.body.points) }).toEqual({ interval, total: before + N + 1000 });
    }
  }, 180_000);

  itStreams('puts late and out-of-order events in the minute, hour and day of their event time', async () => {
    const metric = UsersEvents.rolesChanged;
    const threeDaysAgo = Math.floor((Date.now() - 3 * DAY) / HOUR) * HOUR + 15 * 60_000 + 30_000; // hh:15:30, three days ago
    const twoHoursAgo = Math.floor((Date.now() - 2 * HOUR) / 60_000) * 60_000 + 5_000;
    // newest first, the oldest last: the order they arrive in does not matter
    await emit(metric, 5, (i) => ({ data: { id: 'bbbbbbbbbbbbbbbbbbbbbbbb', roles: ['user'], removed: [] }, at: i < 3 ? twoHoursAgo : threeDaysAgo }));
    await settled(metric);

    const minute = await series({ metric, from: new Date(threeDaysAgo - 60_000).toISOString(), to: new Date(threeDaysAgo + 60_000).toISOString(), interval: 'minute' });
    expect(minute.status).toBe(200);
    expect(minute.body.points.map((point) => point.value)).toEqual([0, 2, 0]);
    expect(minute.body.points[1].t).toBe(new Date(threeDaysAgo - 30_000).toISOString());
    const hours = await series({ metric, from: new Date(threeDaysAgo - HOUR).toISOString(), to: new Date(threeDaysAgo + HOUR).toISOString() });
    expect(hours.body.points.map((point) => point.value)).toEqual([0, 2, 0]);
    const days = await series({ metric, from: new Date(Date.now() - 5 * DAY).toISOString(), to: new Date(Date.now()).toISOString(), interval: 'day' });
    expect(sum(days.body.points)).toBe(5);
    expect(days.body.points.find((point) => point.value === 2)?.t).toBe(new Date(Math.floor(threeDaysAgo / DAY) * DAY).toISOString());
    const recent = await series({ metric, from: new Date(twoHoursAgo).toISOString(), to: new Date(twoHoursAgo + 50_000).toISOString(), interval: 'minute' });
    expect(recent.body.points).toEqual([{ t: new Date(twoHoursAgo - 5_000).toISOString(), value: 3 }]);
  });

  itStreams('does not count an event that arrives after the late window (6 days), and says so in its metrics', async () => {
    const metric = ApplicationsEvents.deleted;
    await emit(metric, 2, (i) => ({ data: { id: `x${i}`, ownerId: 'cccccccccccccccccccccccc', clientId: 'c' }, at: i === 0 ? Date.now() - 7 * DAY : Date.now() }));
    await settled(metric);
    expect(await total(metric, Date.now() - 8 * DAY, Date.now() + HOUR, { interval: 'day' })).toBe(1);
  });

  itStreams('drops minute and hour partitions past their retention and keeps day buckets forever', async () => {
    for (const name of ['bm_20200101', 'bh_202001', 'bd_2020', 'raw_2020010100']) {
      await db.collection(name).insertOne({ _id: randomBytes(4).toString('hex') as never, t: Date.UTC(2020, 0, 1), e: UsersEvents.created, o: null, r: null, n: 1, x: 0 });
    }
    // retention runs on the first rollup pass of an instance
    await stack.restartService('statistics');
    const names = async () => (await db.db!.listCollections({}, { nameOnly: true }).toArray()).map((collection) => collection.name);
    // the pass drops them one after another: wait for all three
    await waitFor(async () => !(await names()).some((name) => ['bm_20200101', 'bh_202001', 'raw_2020010100'].includes(name)), {
      what: 'the old minute, hour and raw partitions to go',
      timeoutMs: 20_000,
    });
    expect(await names()).toContain('bd_2020');
    // and a minute query that far back is refused rather than answered with zeros
    const refused = await series({ metric: UsersEvents.created, from: '2020-01-01T00:00:00Z', to: '2020-01-01T01:00:00Z', interval: 'minute' });
    expect(refused.status).toBe(400);
    expect(refused.body.code).toBe('STATISTICS.RANGE_NOT_RETAINED');
    // what day buckets keep is still there
    const days = await series({ metric: UsersEvents.created, from: '2020-01-01T00:00:00Z', to: '2020-01-02T00:00:00Z', interval: 'day' });
    expect(days.body.points).toEqual([{ t: '2020-01-01T00:00:00.000Z', value: 1 }]);
  });
});
