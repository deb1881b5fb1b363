import { Test } from '@nestjs/testing';
import { DomainError, ErrorKind } from '@site11/contracts';
import type { AuthUser } from '@site11/gateway-auth';
import { type CallOptions, RpcClient } from '@site11/messaging';
import { RegistryReader } from '@site11/registry';
import { GatewayConfig } from '../gateway.config';
import { DashboardService } from './dashboard.service';

const ADMIN: AuthUser = { sub: 'a'.repeat(24), roles: ['user', 'admin'], jti: 'j', sid: 's', exp: 0 };
const USER: AuthUser = { ...ADMIN, sub: 'b'.repeat(24), roles: ['user'] };
const CALL: CallOptions = { requestId: 'req-1', idempotent: true, credential: 'token', actor: { sub: USER.sub, roles: USER.roles } };

const unavailable = () => new DomainError('SERVICE_UNAVAILABLE', ErrorKind.Unavailable, 'The service is not available');

async function serviceWith(answers: Record<string, (data: unknown, call: CallOptions) => Promise<unknown>>, timeoutMs = 1500) {
  const rpc = {
    send: jest.fn(async (pattern: string, data: unknown, call: CallOptions) => {
      const answer = answers[pattern];
      if (!answer) throw unavailable();
      return answer(data, call);
    }),
    circuits: jest.fn(() => ({ images: 'open' })),
  };
  const registry = {
    services: jest.fn(async () => [
      { name: 'images', instances: [{ status: 'gone' }] },
      { name: 'users', instances: [{ status: 'ready' }, { status: 'not_ready' }] },
    ]),
  };
  const config = Object.assign(new GatewayConfig(), { DOWNSTREAM_SERVICES: 'users,images', DASHBOARD_SECTION_TIMEOUT_MS: timeoutMs });
  const moduleRef = await Test.createTestingModule({
    providers: [
      DashboardService,
      { provide: RpcClient, useValue: rpc },
      { provide: RegistryReader, useValue: registry },
      { provide: GatewayConfig, useValue: config },
    ],
  }).compile();
  return { dashboard: moduleRef.get(DashboardService), rpc, registry };
}

const everyoneAnswers = {
  'users.ping': async () => ({ service: 'users' }),
  'images.ping': async () => ({ service: 'images' }),
  'statistics.summary': async () => ({ period: '7d', items: [] }),
  'applications.list': async () => ({ items: [{}, {}], nextCursor: null }),
  'data.datasets.list': async () => ({ items: new Array(100).fill({}), nextCursor: 'AAAAAAAAAAAAAAAA' }),
  'images.usage.get': async () => ({ ownerId: USER.sub, count: 4, bytes: 10, quotaBytes: 100, remainingBytes: 90 }),
};

describe('DashboardService', () => {
  it('gives an admin every section, with the registry counted per service and its circuit', async () => {
    const { dashboard } = await serviceWith(everyoneAnswers);
    const { sections, deadlineMs } = await dashboard.build(ADMIN, CALL, { period: '7d' });
    expect(deadlineMs).toBe(1500);
    expect(sections.registry).toMatchObject({
      data: {
        services: [
          { name: 'images', instances: 1, ready: 0, circuit: 'open' },
          { name: 'users', instances: 2, ready: 1, circuit: 'closed' },
        ],
      },
    });
    expect(sections.readiness).toMatchObject({ data: { ready: true, services: [{ name: 'users', status: 'up' }, { name: 'images', status: 'up' }] } });
    expect(sections.summary).toMatchObject({ data: { period: '7d' } });
    expect(sections.applications).toMatchObject({ data: { count: 2, more: false } });
    expect(sections.datasets).toMatchObject({ data: { count: 100, more: true } });
    expect(sections.images).toMatchObject({ data: { count: 4 } });
  });

  it('refuses the registry section to a non-admin with AUTH.FORBIDDEN without reading the registry, and gives the rest', async () => {
    const { dashboard, registry } = await serviceWith(everyoneAnswers);
    const { sections } = await dashboard.build(USER, CALL, {});
    expect(sections.registry).toMatchObject({ error: { code: 'AUTH.FORBIDDEN' } });
    expect(sections.registry).not.toHaveProperty('data');
    expect(registry.services).not.toHaveBeenCalled();
    expect(sections.summary).toHaveProperty('data');
    expect(sections.images).toHaveProperty('data');
  });

  it('calls each service for the caller with the section deadline, and pings as probes around the breaker', async () => {
    const { dashboard, rpc } = await serviceWith(everyoneAnswers, 1000);
    await dashboard.build(USER, CALL, { period: '30d', tz: 'Asia/Seoul' });
    const callOf = (pattern: string) => rpc.send.mock.calls.find(([sent]) => sent === pattern);
    expect(callOf('statistics.summary')).toEqual(['statistics.summary', { period: '30d', tz: 'Asia/Seoul' }, { ...CALL, deadlineMs: 1000 }]);
    expect(callOf('applications.list')?.[1]).toEqual({ scope: 'mine', limit: 100 });
    expect(callOf('applications.list')?.[2]).toMatchObject({ credential: 'token', deadlineMs: 1000 });
    expect(callOf('data.datasets.list')?.[1]).toEqual({ scope: 'mine', limit: 100 });
    expect(callOf('images.usage.get')?.[2]).toMatchObject({ credential: 'token', deadlineMs: 1000 });
    expect(callOf('users.ping')?.[2]).toEqual({ requestId: 'req-1', deadlineMs: 900, probe: true });
  });

  it('reports a service that is down inside readiness and as its own section’s error, while the others keep their data', async () => {
    const { dashboard } = await serviceWith({
      ...everyoneAnswers,
      'images.ping': async () => Promise.reject(unavailable()),
      'images.usage.get': async () => Promise.reject(unavailable()),
    });
    const { sections } = await dashboard.build(ADMIN, CALL, {});
    expect(sections.readiness).toMatchObject({
      data: { ready: false, services: [{ name: 'users', status: 'up' }, { name: 'images', status: 'down', reason: 'SERVICE_UNAVAILABLE' }] },
    });
    expect(sections.images).toMatchObject({ error: { code: 'SERVICE_UNAVAILABLE' } });
    expect(sections.applications).toMatchObject({ data: { count: 2 } });
  });

  it('reports the registry as SERVICE_UNAVAILABLE when Redis cannot be read', async () => {
    const { dashboard, registry } = await serviceWith(everyoneAnswers);
    registry.services.mockRejectedValueOnce(new Error("Stream isn't writeable and enableOfflineQueue options is false"));
    const { sections } = await dashboard.build(ADMIN, CALL, {});
    expect(sections.registry).toMatchObject({ error: { code: 'SERVICE_UNAVAILABLE', message: 'The service registry is unavailable' } });
  });
});
