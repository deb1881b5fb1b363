import { Test } from '@nestjs/testing';
import { HealthController } from './health.controller';
import { HealthModule } from './health.module';
import { publicHealth } from './readiness.service';

describe('HealthModule', () => {
  async function controllerFor(redisUrl?: string) {
    const moduleRef = await Test.createTestingModule({
      imports: [HealthModule.forRoot({ redisUrl, checkTimeoutMs: 300 })],
    }).compile();
    await moduleRef.init();
    return { moduleRef, controller: moduleRef.get(HealthController) };
  }
  const reply = () => ({ status: jest.fn() });

  it('reports live without checking any dependency', async () => {
    const { moduleRef, controller } = await controllerFor('redis://127.0.0.1:1');
    expect(controller.live()).toEqual({ status: 'ok', info: {}, error: {}, details: {} });
    await moduleRef.close();
  });

  it('reports not ready with 503 and the failing check when Redis cannot be reached', async () => {
    const { moduleRef, controller } = await controllerFor('redis://127.0.0.1:1');
    const res = reply();
    const body = await controller.ready(res as never);
    expect(res.status).toHaveBeenCalledWith(503);
    expect(body).toMatchObject({ status: 'error', error: { redis: { status: 'down' } } });
    await moduleRef.close();
  });

  it('is ready when it has nothing to check', async () => {
    const { moduleRef, controller } = await controllerFor();
    await expect(controller.ready(reply() as never)).resolves.toMatchObject({ status: 'ok' });
    await moduleRef.close();
  });
});

describe('publicHealth', () => {
  it('keeps status, latency and a reason word, and sends raw error strings to the log only', () => {
    const logged: string[] = [];
    const raw = {
      status: 'error' as const,
      info: { users: { status: 'up' as const, latencyMs: 3 } },
      error: { redis: { status: 'down' as const, reason: 'unreachable', message: 'connect ECONNREFUSED 10.1.2.3:6379' }, mongodb: { status: 'down' as const, message: 'MongoNetworkError: db-7.internal:27017' } },
      details: {},
    };
    const shown = publicHealth(raw, (m) => logged.push(m));

    expect(shown.error).toEqual({ redis: { status: 'down', reason: 'unreachable' }, mongodb: { status: 'down', reason: 'unavailable' } });
    expect(shown.info).toEqual({ users: { status: 'up', latencyMs: 3 } });
    expect(JSON.stringify(shown)).not.toMatch(/ECONNREFUSED|10\.1\.2\.3|internal/);
    expect(logged.join('\n')).toContain('ECONNREFUSED');
  });
});
