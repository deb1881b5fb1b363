import { type ArgumentsHost, Catch, type ExceptionFilter, Logger } from '@nestjs/common';
import type { BaseExceptionFilter } from '@nestjs/core';
import { RpcException } from '@nestjs/microservices';
import { CommonErrors, DomainError, ErrorKind, type WireError } from '@site11/contracts';
import { type Observable, throwError } from 'rxjs';

/**
 * Turns every failure of a message handler into a `WireError` the caller can map. Domain errors
 * keep their code; anything unexpected is logged here with its stack and leaves the service as a
 * bare INTERNAL error, so no internals cross the wire.
 */
@Catch()
export class RpcErrorFilter implements ExceptionFilter<unknown> {
  private readonly logger = new Logger('RpcErrorFilter');

  /** @param http handles the few HTTP requests of a hybrid service (health probes, 404s). */
  constructor(private readonly http?: BaseExceptionFilter) {}

  catch(exception: unknown, host: ArgumentsHost): Observable<never> | void {
    if (host.getType() !== 'rpc' && this.http) return this.http.catch(exception, host);
    return throwError(() => this.toWire(exception, host));
  }

  private toWire(exception: unknown, host: ArgumentsHost): WireError {
    if (exception instanceof DomainError) return exception.toWire();
    if (exception instanceof RpcException && DomainError.isWireError(exception.getError())) {
      return exception.getError() as WireError;
    }
    const context = host.switchToRpc().getContext<{ getPattern?: () => string; getChannel?: () => string }>();
    const pattern = context?.getPattern?.() ?? context?.getChannel?.() ?? 'unknown pattern';
    this.logger.error(
      `Unhandled error in "${pattern}": ${exception instanceof Error ? exception.stack : String(exception)}`,
    );
    return { code: CommonErrors.internal, kind: ErrorKind.Internal, message: 'Internal error' };
  }
}
