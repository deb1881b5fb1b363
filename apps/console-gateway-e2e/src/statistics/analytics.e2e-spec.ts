import { ApplicationsEvents, UsersEvents } from '@site11/contracts';
import Redis from 'ioredis';
import type { Connection } from 'mongoose';
import { waitFor } from '../../../../tools/platform/platform.cjs';
import { appendEvents } from '../support/events';
import { call, Stack } from '../support/stack';

interface Point {
  t: string;
  value: number;
}
interface Series {
  metric: string;
  interval: string;
  tz: string;
  kind: string;
  points?: Point[];
  series?: { group: string | null; points: Point[] }[];
  code?: string;
  message?: string;
  details?: { limit?: number };
}
interface Report {
  id: string;
  ownerId: string;
  kind: string;
  format: string;
  status: string;
  filename: string;
  bytes: number;
  failure: { code: string } | null;
  code?: string;
}

const itStreams = process.env['TRANSPORT'] === 'redis' ? it.skip : it;
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
let stack: Stack;
let redis: Redis;
let db: Connection;
let admin: string;

beforeAll(async () => {
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

const iso = (t: number) => new Date(t).toISOString();
const sum = (points: Point[] = []) => points.reduce((total, point) => total + point.value, 0);

function series(query: Record<string, string>, token = admin) {
  return call<Series>(`${stack.api}/statistics/series?${new URLSearchParams(query)}`, { token });
}

async function emit(pattern: string, data: Record<string, unknown>[], at = Date.now()): Promise<void> {
  await appendEvents(redis, pattern, data.length, (i) => ({ data: data[i], at }));
}

/** The metric's total over the last and next hour, now. */
async function read(metric: string, query: Record<string, string> = {}, token = admin): Promise<number> {
  return sum((await series({ metric, from: iso(Date.now() - HOUR), to: iso(Date.now() + HOUR), interval: 'minute', ...query }, token)).body.points);
}

/** The metric's total over the last and next hour, once it reaches `expected` (statistics counts asynchronously). */
async function eventually(metric: string, expected: number, query: Record<string, string> = {}, token = admin): Promise<number> {
  let last = Number.NaN;
  await waitFor(
    async () => {
      const answer = await series({ metric, from: iso(Date.now() - HOUR), to: iso(Date.now() + HOUR), interval: 'minute', ...query }, token);
      last = sum(answer.body.points);
      return last === expected;
    },
    { what: `${metric} to reach ${expected}`, timeoutMs: 30_000, intervalMs: 200 },
  ).catch(() => undefined);
  return last;
}

describe('statistics analytics through the gateway', () => {
  itStreams('counts registrations and sign-ins (successful and refused) from the real services, split by outcome', async () => {
    const someone = await stack.signUp('stats');
    const refused = await call(`${stack.api}/auth/login`, { method: 'POST', json: { email: someone.email, password: 'not the password' } });
    expect(refused.status).toBe(401);
    await stack.login(someone.email, 'a fine password');
    // signUp signed in once: two successes of theirs
    expect(await eventually('oauth.login', 2, {}, someone.accessToken)).toBe(2);
    await waitFor(async () => (await read('oauth.login.failed')) >= 1, { what: 'the refused sign-in to be counted', timeoutMs: 30_000 });
    const split = await series({ metric: 'oauth.login', from: iso(Date.now() - HOUR), to: iso(Date.now() + HOUR), interval: 'hour', groupBy: 'outcome' });
    expect(split.status).toBe(200);
    const byOutcome = Object.fromEntries((split.body.series ?? []).map((group) => [group.group, sum(group.points)]));
    expect(byOutcome['failure']).toBeGreaterThanOrEqual(1);
    expect(byOutcome['success']).toBeGreaterThanOrEqual(2);
    // the user sees their own registration and sign-ins only; a refused sign-in names nobody
    expect(await eventually(UsersEvents.created, 1, {}, someone.accessToken)).toBe(1);
    expect(await eventually('oauth.login.succeeded', 2, {}, someone.accessToken)).toBe(2);
    expect(await eventually('oauth.login.failed', 0, {}, someone.accessToken)).toBe(0);
  });

  itStreams('answers zero-filled points for an empty range, in the requested time zone', async () => {
    // three local days of Seoul (UTC+9), a week ago: local midnights are 15:00 UTC
    const seoulMidnight = Math.floor((Date.now() + 9 * HOUR) / DAY) * DAY - 9 * HOUR - 7 * DAY;
    const empty = await series({ metric: 'images.image.uploaded', from: iso(seoulMidnight + HOUR), to: iso(seoulMidnight + 3 * DAY), interval: 'day', tz: 'Asia/Seoul' });
    expect(empty.status).toBe(200);
    expect(empty.body).toEqual({
      metric: 'images.image.uploaded',
      interval: 'day',
      tz: 'Asia/Seoul',
      kind: 'counter',
      points: [0, 1, 2].map((day) => ({ t: iso(seoulMidnight + day * DAY), value: 0 })),
    });
  });

  it('refuses bad ranges, unknown metrics and zones, and more than 20,000 points with stable codes', async () => {
    const cases: [Record<string, string>, string][] = [
      [{ metric: 'users.created', from: iso(Date.now()), to: iso(Date.now() - HOUR) }, 'STATISTICS.INVALID_RANGE'],
      [{ metric: 'users.created', from: 'yesterday', to: iso(Date.now()) }, 'VALIDATION'],
      [{ metric: 'users.nope', from: iso(Date.now() - HOUR), to: iso(Date.now()) }, 'STATISTICS.UNKNOWN_METRIC'],
      [{ metric: 'users.created', from: iso(Date.now() - HOUR), to: iso(Date.now()), tz: 'Mars/Olympus' }, 'STATISTICS.INVALID_TIME_ZONE'],
      [{ metric: 'users.created', from: iso(Date.now() - HOUR), to: iso(Date.now()), interval: 'week' }, 'VALIDATION'],
      [{ metric: 'users.created', from: iso(Date.now() - HOUR), to: iso(Date.now()), groupBy: 'password' }, 'VALIDATION'],
      [{ metric: 'users.created', from: iso(Date.now() - 8 * DAY), to: iso(Date.now() - 7.5 * DAY), interval: 'minute' }, 'STATISTICS.RANGE_NOT_RETAINED'],
    ];
    for (const [query, code] of cases) {
      const answer = await series(query);
      expect({ query, status: answer.status, code: answer.body.code }).toEqual({ query, status: 400, code });
    }
    const huge = await series({ metric: 'users.created', from: iso(Date.now() - 3 * 365 * DAY), to: iso(Date.now()), interval: 'hour' });
    expect(huge.status).toBe(400);
    expect(huge.body.code).toBe('STATISTICS.TOO_MANY_POINTS');
    expect(huge.body.details).toEqual({ limit: 20_000 });
    // an operator object where a name belongs
    const injected = await call<Series>(`${stack.api}/statistics/series?metric[$ne]=null&from=${iso(Date.now() - HOUR)}&to=${iso(Date.now())}`, { token: admin });
    expect([injected.status, injected.body.code]).toEqual([400, 'VALIDATION']);
    expect((await call(`${stack.api}/statistics/series?metric=users.created`, {})).status).toBe(401);
  });

  itStreams('shows owners only their own events; admins see everyone’s, one user’s, and the top owners', async () => {
    const alice = await stack.signUp('alice');
    const bob = await stack.signUp('bob');
    await emit(ApplicationsEvents.created, [
      ...Array.from({ length: 3 }, (_, i) => ({ id: `a${i}`, ownerId: alice.id, clientId: `ca${i}`, name: 'a' })),
      { id: 'b0', ownerId: bob.id, clientId: 'cb0', name: 'b' },
    ]);
    expect(await eventually(ApplicationsEvents.created, 3, {}, alice.accessToken)).toBe(3);
    expect(await eventually(ApplicationsEvents.created, 1, {}, bob.accessToken)).toBe(1);
    // asking for someone else's numbers gives a user their own
    expect(await eventually(ApplicationsEvents.created, 1, { ownerId: alice.id }, bob.accessToken)).toBe(1);
    expect(await eventually(ApplicationsEvents.created, 3, { ownerId: alice.id })).toBe(3);
    const top = await call<{ items: { key: string | null; value: number }[] }>(`${stack.api}/statistics/top?metric=applications.created&by=owner&limit=5`, { token: admin });
    expect(top.status).toBe(200);
    expect(top.body.items.slice(0, 2)).toEqual([
      { key: alice.id, value: 3 },
      { key: bob.id, value: 1 },
    ]);
    // a gauge: applications that exist, level at the end of each slot
    const gauge = await series({ metric: 'applications.total', from: iso(Date.now() - HOUR), to: iso(Date.now() + HOUR), interval: 'hour' }, alice.accessToken);
    expect(gauge.body.kind).toBe('gauge');
    expect(gauge.body.points?.[gauge.body.points.length - 1].value).toBe(3);
  });

  itStreams('keeps a deleted user’s events counted without their owner', async () => {
    const leaving = await stack.signUp('leaving');
    await emit(ApplicationsEvents.configPublished, [1, 2].map((version) => ({ applicationId: 'app', env: 'prod', version, author: leaving.id })));
    expect(await eventually(ApplicationsEvents.configPublished, 2, { ownerId: leaving.id })).toBe(2);
    const totalBefore = await read(ApplicationsEvents.configPublished);
    expect((await call(`${stack.api}/users/${leaving.id}`, { method: 'DELETE', token: admin })).status).toBe(204);
    expect(await eventually(ApplicationsEvents.configPublished, 0, { ownerId: leaving.id })).toBe(0);
    expect(await eventually(ApplicationsEvents.configPublished, totalBefore)).toBe(totalBefore);
    const top = await call<{ items: { key: string | null; value: number }[] }>(`${stack.api}/statistics/top?metric=applications.config.published&by=owner`, { token: admin });
    expect(top.body.items.find((item) => item.key === leaving.id)).toBeUndefined();
    expect(top.body.items.find((item) => item.key === null)?.value).toBeGreaterThanOrEqual(2);
  });

  itStreams('summarises the dashboard: new users with the previous period, delta and sparkline', async () => {
    const summary = async () => (await call<{ items: { key: string; total: number; previous: number; delta: number; sparkline: number[] }[] }>(`${stack.api}/statistics/summary?period=24h`, { token: admin })).body;
    const first = await summary();
    expect(first.items.map((item) => item.key)).toEqual(['newUsers', 'logins', 'activeApps', 'storage', 'imports']);
    const newUsers = first.items[0];
    for (let i = 0; i < 3; i++) await stack.signUp('dash');
    let after = first;
    await waitFor(async () => (after = await summary()).items[0].total === newUsers.total + 3, { what: 'three more new users', timeoutMs: 30_000 });
    expect(after.items[0]).toMatchObject({ total: newUsers.total + 3, delta: after.items[0].total - after.items[0].previous });
    expect(after.items[0].sparkline).toHaveLength(24);
    expect(after.items[0].sparkline.reduce((a, b) => a + b, 0)).toBe(after.items[0].total);
  });

  it('lists the metrics with what they count', async () => {
    const metrics = await call<{ items: { name: string; kind: string; description: string; events: string[] }[] }>(`${stack.api}/statistics/metrics`, { token: admin });
    expect(metrics.status).toBe(200);
    const names = metrics.body.items.map((metric) => metric.name);
    for (const name of ['users.created', 'oauth.login.succeeded', 'oauth.login.failed', 'oauth.login', 'images.image.uploaded.bytes', 'images.storage.bytes', 'data.import.completed.rows', 'statistics.report.created']) {
      expect(names).toContain(name);
    }
    expect(metrics.body.items.find((metric) => metric.name === 'images.storage.bytes')).toMatchObject({ kind: 'gauge', events: ['images.image.uploaded', 'images.image.deleted'] });
  });
});

describe('statistics reports through the gateway', () => {
  const reports = (path = '') => `${stack.api}/statistics/reports${path}`;

  async function completed(id: string, token: string): Promise<Report> {
    let report: Report | undefined;
    await waitFor(async () => ['completed', 'failed'].includes((report = (await call<Report>(reports(`/${id}`), { token })).body).status), {
      what: `report ${id} to finish`,
      timeoutMs: 30_000,
    });
    return report as Report;
  }

  async function download(id: string, token: string) {
    const response = await fetch(reports(`/${id}/download`), { headers: { authorization: `Bearer ${token}` } });
    return { status: response.status, headers: response.headers, body: Buffer.from(await response.arrayBuffer()) };
  }

  itStreams('generates a usage report as CSV, JSON and PDF, queued with 202 and downloaded once completed', async () => {
    const from = iso(Date.now() - 2 * DAY);
    const to = iso(Date.now() + HOUR);
    for (const format of ['csv', 'json', 'pdf']) {
      const asked = await call<Report>(reports(), { method: 'POST', token: admin, json: { kind: 'usage', from, to, format } });
      expect(asked.status).toBe(202);
      expect(asked.body).toMatchObject({ kind: 'usage', format, status: 'queued', bytes: 0 });
      expect(asked.headers.get('location')).toBe(`/api/v1/statistics/reports/${asked.body.id}`);
      const done = await completed(asked.body.id, admin);
      expect(done).toMatchObject({ status: 'completed', failure: null });
      const file = await download(asked.body.id, admin);
      expect(file.status).toBe(200);
      expect(file.body.length).toBe(done.bytes);
      expect(file.headers.get('content-disposition')).toContain(`attachment; filename="${done.filename}"`);
      if (format === 'csv') {
        const lines = file.body.toString('utf8').trim().split('\n');
        expect(lines[0].split(',')).toEqual(expect.arrayContaining(['slot', 'users.created', 'oauth.login.succeeded']));
        const totals = lines[lines.length - 1].split(',');
        expect(totals[0]).toBe('total');
        expect(Number(totals[lines[0].split(',').indexOf('users.created')])).toBeGreaterThanOrEqual(1);
      } else if (format === 'json') {
        const json = JSON.parse(file.body.toString('utf8'));
        expect(json).toMatchObject({ kind: 'usage', scope: 'all users', interval: 'day' });
        expect(json.metrics.find((metric: { name: string }) => metric.name === 'users.created').total).toBeGreaterThanOrEqual(1);
      } else {
        expect(file.headers.get('content-type')).toBe('application/pdf');
        expect(file.body.subarray(0, 5).toString()).toBe('%PDF-');
        expect(file.body.toString('latin1')).toContain('Usage report');
      }
    }
    const listed = await call<{ items: Report[] }>(reports('?limit=100'), { token: admin });
    expect(listed.body.items.filter((report) => report.kind === 'usage')).toHaveLength(3);
  });

  itStreams('keeps reports to their owner and refuses bad requests', async () => {
    const owner = await stack.signUp('reports');
    const other = await stack.signUp('reports');
    const asked = await call<Report>(reports(), { method: 'POST', token: owner.accessToken, json: { kind: 'activity', from: iso(Date.now() - DAY), to: iso(Date.now()), format: 'csv' } });
    expect(asked.status).toBe(202);
    await completed(asked.body.id, owner.accessToken);
    expect((await call<Report>(reports(`/${asked.body.id}`), { token: other.accessToken })).body.code).toBe('AUTH.FORBIDDEN');
    expect((await download(asked.body.id, other.accessToken)).status).toBe(403);
    expect((await download(asked.body.id, admin)).status).toBe(200);
    // an owner's report counts only their events: their own registration
    const mine = (await download(asked.body.id, owner.accessToken)).body.toString('utf8').trim().split('\n');
    expect(Number(mine[mine.length - 1].split(',')[mine[0].split(',').indexOf('users.created')])).toBe(1);
    for (const json of [
      { kind: 'everything', from: iso(Date.now() - DAY), to: iso(Date.now()), format: 'csv' },
      { kind: 'usage', from: iso(Date.now() - DAY), to: iso(Date.now()), format: 'xlsx' },
      { kind: 'usage', from: iso(Date.now()), to: iso(Date.now() - DAY), format: 'csv' },
      { kind: 'usage', from: iso(Date.now() - 400 * DAY), to: iso(Date.now()), format: 'csv' },
      { kind: 'usage', from: iso(Date.now() - DAY), to: iso(Date.now()), format: 'csv', extra: 1 },
    ]) {
      expect((await call(reports(), { method: 'POST', token: owner.accessToken, json })).status).toBe(400);
    }
    expect((await call(reports('/not-an-id'), { token: owner.accessToken })).status).toBe(400);
    expect((await call<Report>(reports('/665f1c2e8b3e4a0012345678'), { token: owner.accessToken })).body.code).toBe('STATISTICS.REPORT_NOT_FOUND');
    expect((await call(reports(`/${asked.body.id}`), { method: 'DELETE', token: owner.accessToken })).status).toBe(204);
    expect((await call(reports(`/${asked.body.id}`), { token: owner.accessToken })).status).toBe(404);
  });
});
