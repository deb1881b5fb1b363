import { type CallHandler, type ExecutionContext, Injectable, type NestInterceptor } from '@nestjs/common';
import { DomainError, type RpcMetadata } from '@site11/contracts';
import { PinoLogger } from 'nestjs-pino';
import { type Observable, tap } from 'rxjs';
import { MetricsService } from './metrics.service';

function outcomeOf(error: unknown): string {
  if (error instanceof DomainError) return error.code;
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : 'INTERNAL';
}

/**
 * Times every message a service handles and logs one line for it, with the request id that came
 * in the envelope, so one id follows a call from the gateway through every service.
 */
@Injectable()
export class RpcMetricsInterceptor implements NestInterceptor {
  constructor(
    private readonly metrics: MetricsService,
    private readonly logger: PinoLogger,
  ) {
    logger.setContext('rpc');
  }

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType() !== 'rpc') return next.handle();
    const rpc = context.switchToRpc();
    const ctx = rpc.getContext<{ getPattern?: () => string; getChannel?: () => string }>();
    const pattern = ctx?.getPattern?.() ?? ctx?.getChannel?.() ?? 'unknown';
    const metadata = (rpc.getData() as { metadata?: Partial<RpcMetadata> } | undefined)?.metadata;
    const started = process.hrtime.bigint();
    const record = (outcome: string) => {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      this.metrics.rpcDuration.observe({ pattern, outcome }, seconds);
      this.logger.info(
        { requestId: metadata?.requestId, caller: metadata?.caller, pattern, outcome, durationMs: Math.round(seconds * 1e4) / 10 },
        'message handled',
      );
    };
    return next.handle().pipe(
      tap({ complete: () => record('ok'), error: (error: unknown) => record(outcomeOf(error)) }),
    );
  }
}
