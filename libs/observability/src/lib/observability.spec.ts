import type { CallHandler, ExecutionContext } from '@nestjs/common';
import { DomainError, ErrorKind } from '@site11/contracts';
import type { PinoLogger } from 'nestjs-pino';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import { pinoHttp, type Options } from 'pino-http';
import { Counter, Gauge, register } from 'prom-client';
import { lastValueFrom, of, throwError } from 'rxjs';
import { Writable } from 'node:stream';
import { logRequests, quietPathsOf } from './access-log';
import { MetricsService } from './metrics.service';
import { pinoParams } from './observability.module';
import type { ObservabilityModuleOptions } from './observability.options';
import { RpcMetricsInterceptor } from './rpc-metrics.interceptor';

function rpcContext(pattern: string, requestId: string): ExecutionContext {
  return {
    getType: () => 'rpc',
    switchToRpc: () => ({
      getContext: () => ({ getPattern: () => pattern }),
      getData: () => ({ data: {}, metadata: { requestId, caller: 'gateway', deadline: Date.now() + 1000 } }),
    }),
  } as unknown as ExecutionContext;
}

describe('MetricsService', () => {
  afterEach(() => register.clear());

  it('serves the metrics libs put on prom-client’s default registry, labelled with the app’s service, whenever they were registered', async () => {
    const before = new Counter({ name: 'lib_before_total', help: 'registered before the app started', labelNames: ['stream'] });
    const metrics = new MetricsService({ service: 'users', instanceId: 'i', level: 'log' });
    const after = new Gauge({ name: 'lib_after', help: 'registered once the app runs' });
    before.inc({ stream: 'rpc:{users}' }, 2);
    after.set(7);

    const text = await metrics.registry.metrics();
    expect(text).toMatch(/^lib_before_total\{stream="rpc:\{users\}",service="users"\} 2$/m);
    expect(text).toMatch(/^lib_after\{service="users"\} 7$/m);
    // the default registry itself is left as it was: no label, no Node metrics added to it
    expect(await register.metrics()).toMatch(/^lib_after 7$/m);
    expect(await register.metrics()).not.toContain('process_resident_memory_bytes');
  });

  it('keeps the app’s own metric when the default registry has one of the same name', async () => {
    const metrics = new MetricsService({ service: 'users', instanceId: 'i', level: 'log' });
    new Gauge({ name: 'rpc_handling_duration_seconds', help: 'a namesake' }).set(1);
    metrics.rpcDuration.observe({ pattern: 'users.find-by-id', outcome: 'ok' }, 0.01);

    const text = await metrics.registry.metrics();
    expect(text.match(/^# TYPE rpc_handling_duration_seconds /gm)).toEqual(['# TYPE rpc_handling_duration_seconds ']);
    expect(text).toContain('# TYPE rpc_handling_duration_seconds histogram');
  });
});

describe('RpcMetricsInterceptor', () => {
  const metrics = new MetricsService({ service: 'users', instanceId: 'i', level: 'log' });
  const logger = { setContext: jest.fn(), info: jest.fn() } as unknown as PinoLogger & { info: jest.Mock };
  const interceptor = new RpcMetricsInterceptor(metrics, logger);

  it('records a handled message by pattern with outcome ok, and logs it with its request id', async () => {
    const next: CallHandler = { handle: () => of('done') };
    await lastValueFrom(interceptor.intercept(rpcContext('users.find-by-id', 'req-1'), next));

    const text = await metrics.registry.metrics();
    expect(text).toMatch(/rpc_handling_duration_seconds_count\{service="users",pattern="users.find-by-id",outcome="ok"\} 1/);
    expect(logger.info).toHaveBeenCalledWith(
      expect.objectContaining({ requestId: 'req-1', pattern: 'users.find-by-id', outcome: 'ok', durationMs: expect.any(Number) }),
      'message handled',
    );
  });

  it('records a failure under its error code', async () => {
    const next: CallHandler = {
      handle: () => throwError(() => new DomainError('USERS.NOT_FOUND', ErrorKind.NotFound, 'gone')),
    };
    await expect(lastValueFrom(interceptor.intercept(rpcContext('users.find-by-id', 'req-2'), next))).rejects.toThrow();
    expect(await metrics.registry.metrics()).toMatch(/outcome="USERS.NOT_FOUND"/);
  });
});

describe('log redaction and the access log', () => {
  /** Called when `GET /slow` has begun to be handled. */
  let slowStarted: () => void = () => undefined;
  interface LoggedApp {
    /** Everything the logger wrote. */
    text: () => string;
    lines: () => Record<string, unknown>[];
    fastify: FastifyInstance;
  }

  /**
   * A Fastify app with the app's logger, built as nestjs-pino builds it (pino-http with
   * pinoParams), and its access log hook, writing to memory instead of stdout.
   */
  async function serveWithAppLogger(route: (logger: Logger) => (request: FastifyRequest, reply: FastifyReply) => Promise<unknown>): Promise<LoggedApp> {
    const chunks: string[] = [];
    const sink = new Writable({ write: (chunk, _enc, done) => (chunks.push(String(chunk)), done()) });
    // what PlatformModule.forApp's factory passes: the app's name, INSTANCE_ID and LOG_LEVEL
    const options: ObservabilityModuleOptions = { service: 'users', instanceId: 'users-1', level: 'log' };
    const logger = pinoHttp(pinoParams(options).pinoHttp as Options, sink).logger;
    const fastify = Fastify({ genReqId: () => 'req-redact' });
    logRequests(fastify, () => logger, quietPathsOf(options));
    fastify.post('/api/v1/auth/login', route(logger));
    fastify.get('/health/live', async () => ({ status: 'ok' }));
    fastify.get('/boom', async () => {
      throw new Error('boom');
    });
    fastify.get('/slow', async () => {
      slowStarted();
      await new Promise((resolve) => setTimeout(resolve, 300));
      return {};
    });
    await fastify.ready();
    const text = () => chunks.join('');
    return {
      fastify,
      text,
      lines: () =>
        text()
          .split('\n')
          .filter(Boolean)
          .map((line) => JSON.parse(line) as Record<string, unknown>),
    };
  }

  it('never writes authorization headers, cookies, idempotency keys, passwords or tokens, and marks what it left out', async () => {
    const app = await serveWithAppLogger((logger) => async (_request, reply) => {
      logger.info(
        { body: { email: 'a@example.com', password: 'hunter22', refreshToken: 'r-secret', accessToken: 'a-secret', credential: 'c-secret' } },
        'signing in',
      );
      void reply.header('set-cookie', 'refresh=rc-secret; HttpOnly');
      return {};
    });
    try {
      const response = await app.fastify.inject({
        method: 'POST',
        url: '/api/v1/auth/login',
        headers: { authorization: 'Bearer eyJsecret', cookie: 'sid=s-secret', 'idempotency-key': 'idem-secret', 'content-type': 'application/json' },
        payload: '{}',
      });
      expect(response.statusCode).toBe(200);

      expect(app.text()).not.toMatch(/eyJsecret|s-secret|idem-secret|rc-secret|hunter22|r-secret|a-secret|c-secret/);
      expect(app.lines().find((line) => line['msg'] === 'signing in')).toMatchObject({
        service: 'users',
        instance: 'users-1',
        body: { email: 'a@example.com', password: '[redacted]', refreshToken: '[redacted]', accessToken: '[redacted]', credential: '[redacted]' },
      });
      // the access log line of the request that carried the secrets is written too
      expect(app.lines().find((line) => line['msg'] === 'request completed')).toMatchObject({
        level: 30,
        service: 'users',
        requestId: 'req-redact',
        req: { method: 'POST', url: '/api/v1/auth/login' },
        res: { statusCode: 200 },
        responseTime: expect.any(Number),
      });
    } finally {
      await app.fastify.close();
    }
  });

  it('logs a failed request at error level, and nothing for a probe', async () => {
    const app = await serveWithAppLogger(() => async () => ({}));
    try {
      expect((await app.fastify.inject({ method: 'GET', url: '/boom' })).statusCode).toBe(500);
      expect((await app.fastify.inject({ method: 'GET', url: '/health/live' })).statusCode).toBe(200);
      expect((await app.fastify.inject({ method: 'GET', url: '/nowhere' })).statusCode).toBe(404);

      const access = app.lines().filter((line) => 'req' in line);
      expect(access.map((line) => [line['level'], line['msg'], line['req'], line['res']])).toEqual([
        [50, 'request errored', { method: 'GET', url: '/boom' }, { statusCode: 500 }],
        [30, 'request completed', { method: 'GET', url: '/nowhere' }, { statusCode: 404 }],
      ]);
    } finally {
      await app.fastify.close();
    }
  });

  it('logs a request whose client went away before the answer, as aborted', async () => {
    const app = await serveWithAppLogger(() => async () => ({}));
    try {
      const address = await app.fastify.listen({ port: 0, host: '127.0.0.1' });
      const gone = new AbortController();
      const handling = new Promise<void>((resolve) => (slowStarted = resolve));
      const asked = fetch(`${address}/slow`, { signal: gone.signal }).catch((error: Error) => error.name);
      await handling;
      gone.abort();
      expect(await asked).toBe('AbortError');
      await new Promise((resolve) => setTimeout(resolve, 400));

      const access = app.lines().filter((line) => 'req' in line);
      expect(access.map((line) => [line['level'], line['msg'], line['requestId'], line['req']])).toEqual([
        [40, 'request aborted', 'req-redact', { method: 'GET', url: '/slow' }],
      ]);
    } finally {
      await app.fastify.close();
    }
  });
});
