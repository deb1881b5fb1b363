import { Controller, Get, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { storage } from 'nestjs-pino/storage';
import { register } from 'prom-client';
import { ObservabilityModule } from './observability.module';

/** Each route answers whether it runs inside a request logger's context (set by the logger's middleware). */
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

describe('the request logger and the probes', () => {
  let app: NestFastifyApplication;

  beforeAll(async () => {
    app = await NestFactory.create<NestFastifyApplication>(ProbeTestModule, new FastifyAdapter(), { logger: false });
    // as the gateway: probes outside the API's prefix, everything else under it
    app.setGlobalPrefix('api/v1', { exclude: ['health/live', 'health/ready', 'health/services'] });
    await app.init();
    await app.getHttpAdapter().getInstance().ready();
  });

  afterAll(async () => {
    await app?.close();
    register.clear();
  });

  const get = async (url: string) => {
    const response = await app.getHttpAdapter().getInstance().inject({ method: 'GET', url });
    return { url, status: response.statusCode, body: response.statusCode === 200 ? response.json() : null };
  };

  it('skips the request logger for the probes, which log nothing anyway', async () => {
    for (const url of ['/health/live', '/health/ready', '/health/services', '/health/live?verbose=1']) {
      expect(await get(url)).toEqual({ url, status: 200, body: { requestLogger: false } });
    }
  });

  it('runs it for every other route, an API route that only looks like a probe included', async () => {
    expect(await get('/api/v1/users')).toEqual({ url: '/api/v1/users', status: 200, body: { requestLogger: true } });
    // the probes' paths under the prefix are no routes (a 404, which the logger does see)
    expect((await get('/api/v1/health/live')).status).toBe(404);
  });
});
