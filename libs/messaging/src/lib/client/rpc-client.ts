import { Inject, Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import type { ClientProxy } from '@nestjs/microservices';
import { type Actor, CommonErrors, DomainError, ErrorKind, type RpcEnvelope } from '@site11/contracts';
import { firstValueFrom, lastValueFrom, timeout, TimeoutError } from 'rxjs';
import { MESSAGING_OPTIONS, type MessagingModuleOptions } from '../messaging.options';
import { NoResponderError } from './no-responder.error';

export const TRANSPORT_CLIENT = Symbol('TRANSPORT_CLIENT');

export interface CallOptions {
  /** Request id of the HTTP call this request serves. */
  requestId: string;
  /** Overrides the default deadline for this call (ms). */
  deadlineMs?: number;
  /** The authenticated user the call is made for. */
  actor?: Actor;
  /** Makes a command safe to deliver twice: the service returns the first result again. */
  idempotencyKey?: string;
}

/** What a service knows about an event besides its payload. */
export interface EventMetadata {
  requestId: string;
  caller: string;
  occurredAt: string;
}

/**
 * The gateway's way to call a service: wraps the payload in an envelope with request id,
 * caller and absolute deadline, waits at most until the deadline, and turns every failure into
 * a `DomainError` so that one HTTP filter can map it.
 */
@Injectable()
export class RpcClient implements OnApplicationShutdown {
  private readonly logger = new Logger(RpcClient.name);

  constructor(
    @Inject(MESSAGING_OPTIONS) private readonly options: MessagingModuleOptions,
    @Inject(TRANSPORT_CLIENT) private readonly transport: ClientProxy,
  ) {}

  async send<TResult, TData = unknown>(pattern: string, data: TData, call: CallOptions): Promise<TResult> {
    const deadlineMs = call.deadlineMs ?? this.options.defaultDeadlineMs;
    const envelope: RpcEnvelope<TData> = {
      data,
      metadata: {
        requestId: call.requestId,
        deadline: Date.now() + deadlineMs,
        caller: this.options.caller,
        ...(call.actor ? { actor: call.actor } : {}),
        ...(call.idempotencyKey ? { idempotencyKey: call.idempotencyKey } : {}),
      },
    };
    try {
      return await firstValueFrom(this.transport.send<TResult>(pattern, envelope).pipe(timeout({ first: deadlineMs })), {
        defaultValue: undefined as TResult,
      });
    } catch (error) {
      throw this.toDomainError(error, pattern, deadlineMs);
    }
  }

  /** Publishes a fact that happened; resolves once the broker has it. */
  async emit<TData>(pattern: string, data: TData, context: { requestId: string }): Promise<void> {
    const metadata: EventMetadata = {
      requestId: context.requestId,
      caller: this.options.caller,
      occurredAt: new Date().toISOString(),
    };
    await lastValueFrom(this.transport.emit(pattern, { data, metadata }), { defaultValue: undefined });
  }

  async onApplicationShutdown(): Promise<void> {
    await this.transport.close();
  }

  private toDomainError(error: unknown, pattern: string, deadlineMs: number): DomainError {
    if (DomainError.isWireError(error)) return DomainError.fromWire(error);
    if (error instanceof TimeoutError) {
      return new DomainError(
        CommonErrors.upstreamTimeout,
        ErrorKind.DeadlineExceeded,
        `No answer to "${pattern}" within ${deadlineMs} ms`,
      );
    }
    if (error instanceof NoResponderError) {
      return new DomainError(CommonErrors.serviceUnavailable, ErrorKind.Unavailable, 'The service is not available');
    }
    // Anything else comes from the transport itself: broker down, connection lost, or a
    // service that does not serve the pattern (version skew). None of it is the caller's fault.
    this.logger.warn(`Transport failure on "${pattern}": ${describe(error)}`);
    return new DomainError(CommonErrors.serviceUnavailable, ErrorKind.Unavailable, 'The service is not available');
  }
}

function describe(error: unknown): string {
  if (error instanceof Error) return error.message;
  if (typeof error === 'object' && error !== null && 'message' in error) return String(error.message);
  return String(error);
}
