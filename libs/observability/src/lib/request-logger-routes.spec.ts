import { Controller, Get, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { PinoLogger } from 'nestjs-pino';
import { storage } from 'nestjs-pino/storage';
import { register } from 'prom-client';
import { ObservabilityModule } from './observability.module';

/** Each route answers whether it runs inside a request logger's context (nestjs-pino's middleware set one). */
@Controller()
class ProbeController {
  private logged = () => ({ requestLogger: storage.getStore() !== undefined });

  @Get('health/live')
  live() {
    return this.logged();
  }

  @Get('health/ready')
  ready() {
    return this.logged();
  }

  @Get('health/services')
  services() {
    return this.logged();
  }

  @Get('users')
  users() {
    return this.logged();
  }
}

@Module({
  imports: [ObservabilityModule.forRootAsync({ useFactory: () => ({ service: 'probe-test', instanceId: 'i', level: 'error' }) }, { rpcMetrics: false })],
  controllers: [ProbeController],
})
class ProbeTestModule {}

describe('the access log and the probes', () => {
  let app: NestFastifyApplication;
  let written: Array<[string, Record<string, unknown>, string]>;

  beforeAll(async () => {
    app = await NestFactory.create<NestFastifyApplication>(ProbeTestModule, new FastifyAdapter(), { logger: false });
    // as the gateway: probes outside the API's prefix, everything else under it
    app.setGlobalPrefix('api/v1', { exclude: ['health/live', 'health/ready', 'health/services'] });
    await app.init();
    await app.getHttpAdapter().getInstance().ready();
    for (const level of ['info', 'error'] as const) {
      jest.spyOn(PinoLogger.root, level).mockImplementation(((line: Record<string, unknown>, msg: string) => void written.push([level, line, msg])) as never);
    }
  });

  beforeEach(() => (written = []));

  afterAll(async () => {
    jest.restoreAllMocks();
    await app?.close();
    register.clear();
  });

  const get = async (url: string) => {
    const response = await app.getHttpAdapter().getInstance().inject({ method: 'GET', url, headers: { 'x-request-id': 'req-under-test' } });
    return { url, status: response.statusCode, body: response.statusCode === 200 ? response.json() : null };
  };

  it('logs nothing for the probes', async () => {
    for (const url of ['/health/live', '/health/ready', '/health/services', '/health/live?verbose=1']) {
      expect(await get(url)).toEqual({ url, status: 200, body: { requestLogger: false } });
    }
    expect(written).toEqual([]);
  });

  it('logs every other request once answered, an API route that only looks like a probe included', async () => {
    expect(await get('/api/v1/users')).toEqual({ url: '/api/v1/users', status: 200, body: { requestLogger: false } });
    // the probes' paths under the prefix are no routes: a 404, logged
    expect((await get('/api/v1/health/live')).status).toBe(404);
    expect(written.map(([level, line, msg]) => [level, msg, line['req'], line['res']])).toEqual([
      ['info', 'request completed', { method: 'GET', url: '/api/v1/users' }, { statusCode: 200 }],
      ['info', 'request completed', { method: 'GET', url: '/api/v1/health/live' }, { statusCode: 404 }],
    ]);
  });

  it('runs no request in an AsyncLocalStorage context, which on Node 20 would cost every promise of the process a hook', async () => {
    expect((await get('/api/v1/users')).body).toEqual({ requestLogger: false });
  });
});
