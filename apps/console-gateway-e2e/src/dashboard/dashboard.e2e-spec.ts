import type { Launched } from '../../../../tools/platform/platform.cjs';
import SERVICES from '../../../../tools/platform/services.json';
import { call, Stack } from '../support/stack';

interface SectionError {
  code: string;
  message?: string;
}
interface Section<T = Record<string, unknown>> {
  data?: T;
  error?: SectionError;
  tookMs: number;
}
interface Readiness {
  ready: boolean;
  services: { name: string; status: 'up' | 'down'; latencyMs?: number; reason?: string }[];
}
interface Registry {
  services: { name: string; instances: number; ready: number; circuit: string }[];
}
interface Dashboard {
  generatedAt: string;
  deadlineMs: number;
  sections: {
    registry: Section<Registry>;
    readiness: Section<Readiness>;
    summary: Section<{ period: string; tz: string; items: { key: string }[] }>;
    applications: Section<{ count: number; more: boolean }>;
    datasets: Section<{ count: number; more: boolean }>;
    images: Section<{ ownerId: string; count: number; bytes: number }>;
  };
  code?: string;
}

const SECTIONS = ['registry', 'readiness', 'summary', 'applications', 'datasets', 'images'] as const;
/** Short, so the timeout tests are quick; the default is 1500. */
const DEADLINE_MS = 1000;
/** What the response may take past the deadline on a busy 2-core machine (timer slack, serialisation, the client). */
const MARGIN_MS = 250;

let stack: Stack;
let admin: string;
let user: { id: string; accessToken: string };

const dashboard = (token?: string, query = '') => call<Dashboard>(`${stack.api}/dashboard${query}`, { token });
const service = (name: string): Launched => {
  const found = stack.extraServices.find((app) => app.name === name);
  if (!found) throw new Error(`no ${name} in this stack`);
  return found;
};
const readinessOf = (body: Dashboard, name: string) => body.sections.readiness.data?.services.find((entry) => entry.name === name);

beforeAll(async () => {
  stack = await Stack.start({ ownRedis: true, gatewayEnv: { DASHBOARD_SECTION_TIMEOUT_MS: String(DEADLINE_MS) } });
  admin = await stack.adminToken();
  user = await stack.signUp('dashboard');
  const owned = { token: user.accessToken, method: 'POST' };
  for (const name of ['First', 'Second']) {
    const created = await call(`${stack.api}/applications`, {
      ...owned,
      json: { name, type: 'confidential', redirectUris: ['https://app.example.com/callback'], grantTypes: ['authorization_code'], scopes: ['openid'] },
    });
    expect(created.status).toBe(201);
  }
  expect((await call(`${stack.api}/data/datasets`, { ...owned, json: { name: 'Only one' } })).status).toBe(201);
  // first calls warm up every path (JIT, connections) so the timing tests measure the steady state
  await dashboard(admin);
  await dashboard(user.accessToken);
});

afterAll(async () => {
  await stack?.stop();
});

describe('GET /api/v1/dashboard', () => {
  it('answers an admin 200 with data in every section, each within the deadline, and Cache-Control: no-store', async () => {
    const response = await dashboard(admin);
    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toBe('no-store');
    const { sections } = response.body;
    expect(response.body).toMatchObject({ generatedAt: expect.any(String), deadlineMs: DEADLINE_MS });
    for (const name of SECTIONS) {
      expect({ name, error: sections[name].error }).toEqual({ name, error: undefined });
      expect(sections[name].data).toBeDefined();
      expect(sections[name].tookMs).toBeLessThanOrEqual(DEADLINE_MS);
    }
    const registry = Object.fromEntries((sections.registry.data?.services ?? []).map((entry) => [entry.name, entry]));
    expect(registry['users']).toMatchObject({ instances: 1, ready: 1, circuit: 'closed' });
    expect(Object.keys(registry)).toEqual(expect.arrayContaining(['console-gateway', 'users', 'oauth', 'applications', 'images', 'data', 'statistics']));
    expect(sections.readiness.data).toMatchObject({ ready: true });
    // every service of the platform, in the order services.json lists them
    expect(sections.readiness.data?.services.map((entry) => entry.name)).toEqual(SERVICES.map((service) => service.name));
    expect(sections.summary.data).toMatchObject({ period: '7d', tz: 'UTC' });
    expect(sections.summary.data?.items.map((item) => item.key)).toEqual(expect.arrayContaining(['newUsers', 'logins']));
  });

  it('gives a non-admin their own applications, datasets and images, and the registry section as AUTH.FORBIDDEN', async () => {
    const response = await dashboard(user.accessToken);
    expect(response.status).toBe(200);
    const { sections } = response.body;
    expect(sections.registry).toEqual({ error: { code: 'AUTH.FORBIDDEN', message: expect.any(String) }, tookMs: expect.any(Number) });
    expect(sections.applications.data).toEqual({ count: 2, more: false });
    expect(sections.datasets.data).toEqual({ count: 1, more: false });
    expect(sections.images.data).toMatchObject({ ownerId: user.id, count: 0, bytes: 0 });
    expect(sections.readiness.data).toMatchObject({ ready: true });
    expect(sections.summary.data).toMatchObject({ period: '7d' });

    // the admin's own counts are theirs, not everyone's
    const adminView = await dashboard(admin);
    expect(adminView.body.sections.applications.data).toEqual({ count: 0, more: false });
  });

  it('passes period and tz to the summary section, and refuses a bad one with 400 VALIDATION', async () => {
    const response = await dashboard(user.accessToken, '?period=30d&tz=Asia/Seoul');
    expect(response.status).toBe(200);
    expect(response.body.sections.summary.data).toMatchObject({ period: '30d', tz: 'Asia/Seoul' });
    const refused = await dashboard(user.accessToken, '?period=1y');
    expect({ status: refused.status, code: refused.body.code }).toEqual({ status: 400, code: 'VALIDATION' });
  });

  it('answers 401 AUTH.UNAUTHENTICATED without a token', async () => {
    const response = await dashboard();
    expect({ status: response.status, code: response.body.code }).toEqual({ status: 401, code: 'AUTH.UNAUTHENTICATED' });
  });

  it('answers 200 with SERVICE_UNAVAILABLE in a stopped service’s section and data in the others, without waiting out the deadline', async () => {
    await service('images').stop('SIGTERM');
    try {
      const response = await dashboard(admin);
      expect(response.status).toBe(200);
      const { sections } = response.body;
      expect(sections.images).toEqual({ error: { code: 'SERVICE_UNAVAILABLE', message: expect.any(String) }, tookMs: expect.any(Number) });
      expect(readinessOf(response.body, 'images')).toEqual({ name: 'images', status: 'down', reason: 'SERVICE_UNAVAILABLE' });
      expect(readinessOf(response.body, 'users')).toMatchObject({ status: 'up' });
      expect(sections.readiness.data?.ready).toBe(false);
      for (const name of ['registry', 'summary', 'applications', 'datasets'] as const) expect({ name, data: sections[name].data !== undefined }).toEqual({ name, data: true });
      expect(sections.registry.data?.services.find((entry) => entry.name === 'images')).toMatchObject({ ready: 0 });
      // a service that is down is known at once: nothing waits for the deadline
      expect(response.ms).toBeLessThan(DEADLINE_MS);
    } finally {
      await stack.restartService('images');
    }
  });

  it('answers 200 with UPSTREAM_TIMEOUT in a paused service’s section at the deadline, not later, with data in the others', async () => {
    const statistics = service('statistics');
    statistics.child.kill('SIGSTOP');
    try {
      const response = await dashboard(user.accessToken);
      expect(response.status).toBe(200);
      const { sections } = response.body;
      expect(sections.summary).toEqual({ error: { code: 'UPSTREAM_TIMEOUT', message: expect.any(String) }, tookMs: expect.any(Number) });
      expect(sections.summary.tookMs).toBeGreaterThanOrEqual(DEADLINE_MS - 5);
      expect(sections.summary.tookMs).toBeLessThan(DEADLINE_MS + MARGIN_MS);
      // readiness pings end before the section's deadline, so the paused service is reported inside it
      expect(readinessOf(response.body, 'statistics')).toEqual({ name: 'statistics', status: 'down', reason: 'UPSTREAM_TIMEOUT' });
      for (const name of ['readiness', 'applications', 'datasets', 'images'] as const) expect({ name, data: sections[name].data !== undefined }).toEqual({ name, data: true });
      expect(response.ms).toBeGreaterThanOrEqual(DEADLINE_MS - 5);
      expect(response.ms).toBeLessThan(DEADLINE_MS + MARGIN_MS);
    } finally {
      statistics.child.kill('SIGCONT');
    }
  });
});
