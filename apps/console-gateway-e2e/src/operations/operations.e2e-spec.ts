import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Types } from 'mongoose';
import { call, Stack } from '../support/stack';

interface Instance {
  instanceId: string;
  status: string;
  patterns: string[];
  lastHeartbeat: string;
  healthPort: number;
}
interface Service {
  name: string;
  instances: Instance[];
  circuit: string;
}

const REGISTRY_TTL_MS = 2000;
let stack: Stack;
let admin: string;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
async function until<T>(what: () => Promise<T>, ok: (value: T) => boolean, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let value = await what();
  while (!ok(value) && Date.now() < deadline) {
    await sleep(100);
    value = await what();
  }
  return value;
}

beforeAll(async () => {
  const common = { REGISTRY_TTL_MS: String(REGISTRY_TTL_MS), LOG_LEVEL: 'log' };
  stack = await Stack.start({
    ownRedis: true,
    usersEnv: { ...common, SHUTDOWN_DELAY_MS: '500' },
    oauthEnv: common,
    gatewayEnv: { ...common, RPC_DEADLINE_MS: '1000', BREAKER_FAILURES: '3', BREAKER_HALF_OPEN_AFTER_MS: '1000' },
  });
  admin = await stack.adminToken();
});

afterAll(async () => {
  await stack?.stop();
});

const services = () => call<Service[]>(`${stack.api}/services`, { token: admin });

describe('the service registry', () => {
  it('lists every app with its ready instances, their patterns and heartbeats (admin only)', async () => {
    const response = await until(services, (r) => r.body.length >= 3);
    expect(response.status).toBe(200);
    const byName = Object.fromEntries(response.body.map((s) => [s.name, s]));
    expect(Object.keys(byName)).toEqual(expect.arrayContaining(['console-gateway', 'oauth', 'users']));
    const users = byName['users'];
    expect(users.circuit).toBe('closed');
    expect(users.instances).toHaveLength(1);
    expect(users.instances[0]).toMatchObject({ status: 'ready', healthPort: stack.users.healthPort });
    expect(users.instances[0].patterns).toEqual(expect.arrayContaining(['users.create', 'users.find-by-id', 'users.ping']));
    expect(Date.now() - Date.parse(users.instances[0].lastHeartbeat)).toBeLessThan(REGISTRY_TTL_MS * 2);

    const someone = await call(`${stack.api}/auth/register`, { method: 'POST', json: { email: `ops-${Date.now()}@example.com`, password: 'a fine password', name: 'Ops' } });
    expect(someone.status).toBe(201);
    const tokens = await stack.login(String((someone.body as { email: string }).email), 'a fine password');
    expect((await call(`${stack.api}/services`, { token: tokens.accessToken })).status).toBe(403);
  });

  it('shows one service, and 404 for a name nobody registered', async () => {
    const users = await call<Service>(`${stack.api}/services/users`, { token: admin });
    expect(users.status).toBe(200);
    expect(users.body.name).toBe('users');
    const nobody = await call(`${stack.api}/services/nobody`, { token: admin });
    expect(nobody.status).toBe(404);
    expect(nobody.body).toMatchObject({ code: 'SERVICES.NOT_FOUND' });
  });

  it('reports downstream readiness at /health/services', async () => {
    const response = await call(`${stack.gatewayUrl}/health/services`);
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ status: 'ok', info: { users: { status: 'up' }, oauth: { status: 'up' } } });
  });
});

describe('metrics and logs', () => {
  it('answers /metrics on the gateway\'s public port like any unknown API route (404 JSON, not the console)', async () => {
    const unknown = await fetch(`${stack.api}/no-such-route`);
    const scrape = await fetch(`${stack.gatewayUrl}/metrics`);
    expect(scrape.status).toBe(404);
    expect(scrape.headers.get('content-type')).toBe(unknown.headers.get('content-type'));
    const body = (await scrape.json()) as Record<string, unknown>;
    const unknownBody = (await unknown.json()) as Record<string, unknown>;
    expect(body).toMatchObject({ statusCode: 404, code: 'ROUTE_NOT_FOUND', error: unknownBody['error'] });
    expect(Object.keys(body).sort()).toEqual(Object.keys(unknownBody).sort());
    expect(JSON.stringify(body)).not.toMatch(/nodejs_|process_|service="/);
  });

  it('serves the gateway\'s metrics on its metrics listener, and nothing else there', async () => {
    const scrape = await fetch(`${stack.gatewayMetricsUrl}/metrics`);
    expect(scrape.status).toBe(200);
    expect(scrape.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    expect(await scrape.text()).toContain('service="console-gateway"');

    expect((await fetch(`${stack.gatewayMetricsUrl}/api/v1/users`, { headers: { authorization: `Bearer ${admin}` } })).status).toBe(404);
    expect((await fetch(`${stack.gatewayMetricsUrl}/api/docs-json`)).status).toBe(404);
  });

  it('exposes request latency by route and status, breaker state and process metrics at the gateway', async () => {
    await call(`${stack.api}/users/${new Types.ObjectId().toHexString()}`, { token: admin });
    const text = await (await fetch(`${stack.gatewayMetricsUrl}/metrics`)).text();
    expect(text).toMatch(/http_request_duration_seconds_bucket\{[^}]*method="GET"[^}]*route="\/api\/v1\/users\/:id"[^}]*status="404"/);
    expect(text).toMatch(/rpc_circuit_state\{[^}]*target="users"[^}]*\} 0/);
    expect(text).toContain('nodejs_eventloop_lag_seconds');
    expect(text).toContain('process_resident_memory_bytes');
    expect(text).toContain('nodejs_heap_size_used_bytes');
    expect(text).toContain('service="console-gateway"');
  });

  it('exposes message handling latency by pattern and outcome in each service', async () => {
    const text = await (await fetch(`${stack.usersHealthUrl}/metrics`)).text();
    expect(text).toMatch(/rpc_handling_duration_seconds_count\{[^}]*pattern="users.find-by-id"[^}]*outcome="USERS.NOT_FOUND"[^}]*\} [1-9]/);
    expect(text).toContain('service="users"');
  });

  it('logs JSON lines that carry one request id through the gateway and the service, and no secrets', async () => {
    const requestId = `trace-${Date.now()}`;
    await call(`${stack.api}/users/${new Types.ObjectId().toHexString()}`, { token: admin, headers: { 'x-request-id': requestId } });
    // probes skip the request logger: they answer, with their request id, and log nothing
    const probeId = `probe-${Date.now()}`;
    for (const probe of ['/health/live', '/health/ready']) {
      const answered = await fetch(`${stack.gatewayUrl}${probe}`, { headers: { 'x-request-id': probeId } });
      expect({ probe, status: answered.status, requestId: answered.headers.get('x-request-id') }).toEqual({ probe, status: 200, requestId: probeId });
    }
    await sleep(300);

    const lines = (file: string) =>
      readFileSync(join(stack.logDir, file), 'utf8')
        .split('\n')
        .filter((line) => line.startsWith('{'))
        .map((line) => JSON.parse(line) as Record<string, unknown>);
    const usersLog = readdirSync(stack.logDir).find((f) => f.startsWith('users-')) as string;
    const gatewayLine = lines('console-gateway.log').find((l) => l['requestId'] === requestId);
    const usersLine = lines(usersLog).find((l) => l['requestId'] === requestId);
    expect(gatewayLine).toMatchObject({ service: 'console-gateway', res: { statusCode: 404 } });
    expect(usersLine).toMatchObject({ service: 'users', pattern: 'users.find-by-id', outcome: 'USERS.NOT_FOUND' });
    expect(typeof usersLine?.['durationMs']).toBe('number');
    expect(lines('console-gateway.log').filter((l) => l['requestId'] === probeId)).toEqual([]);

    for (const file of readdirSync(stack.logDir).filter((f) => f.endsWith('.log'))) {
      const text = readFileSync(join(stack.logDir, file), 'utf8');
      expect(text).not.toContain(admin);
      expect(text).not.toMatch(/argon2id|e2e-admin-password/);
    }
  });
});

describe('faults', () => {
  it('answers 503 fast once users is killed (breaker open), leaves oauth unaffected, and recovers', async () => {
    const id = new Types.ObjectId().toHexString();
    stack.users.child.kill('SIGKILL');

    const fast = await until(
      () => call(`${stack.api}/users/${id}`, { token: admin }),
      (r) => r.status === 503 && r.ms < 50,
      10_000,
    );
    expect(fast.status).toBe(503);
    expect(fast.ms).toBeLessThan(50);
    expect((await call(`${stack.gatewayUrl}/.well-known/jwks.json`)).status).toBe(200);
    expect((await stack.login('admin@e2e.test', 'e2e-admin-password').catch(() => null))).toBeNull();

    const gone = await until(
      () => call<Service>(`${stack.api}/services/users`, { token: admin }),
      (r) => r.body.instances?.every((i) => i.status === 'gone'),
      REGISTRY_TTL_MS + 3000,
    );
    expect(gone.body.instances.every((i) => i.status === 'gone')).toBe(true);

    await stack.startUsersAgain();
    const recovered = await until(() => call(`${stack.api}/users/${id}`, { token: admin }), (r) => r.status === 404, 10_000);
    expect(recovered.status).toBe(404);
  });

  it('loses no request when users is restarted with SIGTERM under steady reads', async () => {
    const { id } = (await call<{ id: string }>(`${stack.api}/auth/me`, { token: admin })).body;
    const statuses: number[] = [];
    let reading = true;
    const reader = (async () => {
      while (reading) statuses.push((await call(`${stack.api}/users/${id}`, { token: admin })).status);
    })();

    await sleep(300);
    const old = stack.users;
    await stack.addUsersReplica();
    const stopping = old.stop('SIGTERM');
    const readiness = await until(
      () => call(`http://127.0.0.1:${old.healthPort}/health/ready`).catch(() => ({ status: 0, body: {} })),
      (r) => r.status === 503,
      2000,
    );
    expect(readiness.status).toBe(503);
    expect(readiness.body).toMatchObject({ status: 'shutting_down' });
    expect((await stopping).code).toBe(0);
    await sleep(500);
    reading = false;
    await reader;
    stack.usersReplicas.splice(stack.usersReplicas.indexOf(old), 1);

    expect(statuses.length).toBeGreaterThan(20);
    expect(statuses.filter((s) => s !== 200)).toEqual([]);
  });
});
