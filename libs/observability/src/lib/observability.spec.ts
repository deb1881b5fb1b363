import type { CallHandler, ExecutionContext } from '@nestjs/common';
import { DomainError, ErrorKind } from '@site11/contracts';
import type { PinoLogger } from 'nestjs-pino';
import pino from 'pino';
import { lastValueFrom, of, throwError } from 'rxjs';
import { Writable } from 'node:stream';
import { MetricsService } from './metrics.service';
import { REDACTED_PATHS } from './observability.module';
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

describe('log redaction', () => {
  it('never writes authorization headers, passwords or tokens', () => {
    const lines: string[] = [];
    const sink = new Writable({ write: (chunk, _enc, done) => (lines.push(String(chunk)), done()) });
    const logger = pino({ redact: { paths: REDACTED_PATHS, censor: '[redacted]' } }, sink);

    logger.info({
      req: { headers: { authorization: 'Bearer eyJsecret', cookie: 'sid=1' } },
      body: { password: 'hunter22', refreshToken: 'r-secret', accessToken: 'a-secret' },
    });

    expect(lines.join('')).not.toMatch(/eyJsecret|sid=1|hunter22|r-secret|a-secret/);
    expect(lines.join('')).toContain('[redacted]');
  });
});
