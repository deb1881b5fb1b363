import { Inject, Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import type { ClientProxy } from '@nestjs/microservices';
import { type Actor, CommonErrors, DomainError, ENVELOPE_VERSION, ErrorKind, type IdempotencyOrigin, type RpcEnvelope } from '@site11/contracts';
import { firstValueFrom, lastValueFrom, timeout, TimeoutError } from 'rxjs';
import { platformClock } from '../clock';
import { MESSAGING_OPTIONS, type MessagingModuleOptions } from '../messaging.options';
import { NoResponderError } from './no-responder.error';
import { serviceOf } from '../streams/streams.keys';
import {
  BrokenCircuitError,
  circuitBreaker,
  type CircuitBreakerPolicy,
  CircuitState,
  ConsecutiveBreaker,
  handleWhen,
  IsolatedCircuitError,
} from 'cockatiel';

export const TRANSPORT_CLIENT = Symbol('TRANSPORT_CLIENT');

export interface CallOptions {
  /** Request id of the HTTP call this request serves. */
  requestId: string;
  /** Overrides the default deadline for this call (ms). */
  deadlineMs?: number;
  /** The authenticated user the call is made for (a hint: the service trusts only `credential`). */
  actor?: Actor;
  /** The end user's access token, or the caller's service token: what the service verifies. */
  credential?: string;
  /** The HTTP client the call serves. */
  client?: { ip: string; userAgent?: string };
  /** Makes a command safe to deliver twice: a duplicate under the key does not run again. */
  idempotencyKey?: string;
  /** `client` for an end user's Idempotency-Key (bound to the request, kept 24 h); default `delivery`. */
  idempotencyOrigin?: IdempotencyOrigin;
  /** The call has no side effects (a read), so it may be retried. */
  idempotent?: boolean;
  /** Health probes go around the circuit breaker: they must see the service as it is. */
  probe?: boolean;
}

export type CircuitStateName = 'closed' | 'open' | 'half-open' | 'isolated';

/** What a service knows about an event besides its payload. */
export interface EventMetadata {
  /** The envelope's format version (`ENVELOPE_VERSION`); absent from releases before it existed. */
  v?: number;
  requestId: string;
  /** Set by an outbox: the event is appended to its stream once, however often it is relayed. */
  eventId?: string;
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
  private readonly breakers = new Map<string, CircuitBreakerPolicy>();

  constructor(
    @Inject(MESSAGING_OPTIONS) private readonly options: MessagingModuleOptions,
    @Inject(TRANSPORT_CLIENT) private readonly transport: ClientProxy,
  ) {}

  /**
   * Calls `pattern` and waits for the reply until the deadline. Each downstream service has a
   * circuit breaker: after repeated outages (unavailable, timed out) it answers 503 at once
   * until a probe succeeds. Reads and commands with an idempotency key are retried once, with
   * jitter, when the service was unavailable and the deadline leaves room for an attempt as slow
   * as the failed one; a retry that runs out of time reports the first failure.
   */
  async send<TResult, TData = unknown>(pattern: string, data: TData, call: CallOptions): Promise<TResult> {
    const deadline = platformClock.now() + (call.deadlineMs ?? this.options.defaultDeadlineMs);
    const envelope: RpcEnvelope<TData> = {
      data,
      metadata: {
        v: ENVELOPE_VERSION,
        requestId: call.requestId,
        deadline,
        caller: this.options.caller,
        ...(call.actor ? { actor: call.actor } : {}),
        ...(call.credential ? { credential: call.credential } : {}),
        ...(call.client ? { client: call.client } : {}),
        ...(call.idempotencyKey ? { idempotencyKey: call.idempotencyKey, idempotencyOrigin: call.idempotencyOrigin ?? 'delivery' } : {}),
      },
    };
    const service = serviceOf(pattern);
    if (call.probe) return this.sendOnce<TResult>(pattern, envelope, deadline);
    // A read may be sent again after any outage. A command only when the first attempt certainly
    // did not run: nobody was listening, or the service answered that it could not serve it (an
    // outcome its idempotency record does not keep). After a broken connection it may have run.
    const retryable = call.idempotent === true ? isUnavailable : call.idempotencyKey !== undefined ? didNotRun : () => false;
    try {
      return await this.breakerFor(service).execute(async () => {
        const started = platformClock.now();
        try {
          return await this.sendOnce<TResult>(pattern, envelope, deadline);
        } catch (error) {
          // Worth another try only if it can fail as slowly again within the deadline (a service
          // whose database is down answers only after its server-selection timeout).
          const room = deadline - platformClock.now();
          const took = platformClock.now() - started;
          if (!retryable(error) || room < Math.max(MIN_RETRY_ROOM_MS, took)) throw error;
          await sleep(RETRY_DELAY_MS / 2 + Math.random() * RETRY_DELAY_MS);
          try {
            return await this.sendOnce<TResult>(pattern, envelope, deadline);
          } catch (retryError) {
            // the service was unavailable, and still was when time ran out: say so, not "timeout"
            throw retryError instanceof DomainError && retryError.kind === ErrorKind.DeadlineExceeded ? error : retryError;
          }
        }
      });
    } catch (error) {
      if (error instanceof BrokenCircuitError || error instanceof IsolatedCircuitError) {
        throw new DomainError(CommonErrors.serviceUnavailable, ErrorKind.Unavailable, `The ${service} service is unavailable`);
      }
      throw error;
    }
  }

  /** Breaker state per downstream service called so far. */
  circuits(): Record<string, CircuitStateName> {
    const names: Record<CircuitState, CircuitStateName> = {
      [CircuitState.Closed]: 'closed',
      [CircuitState.Open]: 'open',
      [CircuitState.HalfOpen]: 'half-open',
      [CircuitState.Isolated]: 'isolated',
    };
    return Object.fromEntries([...this.breakers].map(([service, breaker]) => [service, names[breaker.state]]));
  }

  private breakerFor(service: string): CircuitBreakerPolicy {
    let breaker = this.breakers.get(service);
    if (!breaker) {
      const settings = this.options.breaker ?? { failures: 5, halfOpenAfterMs: 5000 };
      breaker = circuitBreaker(handleWhen(isOutage), {
        halfOpenAfter: settings.halfOpenAfterMs,
        breaker: new ConsecutiveBreaker(settings.failures),
      });
      breaker.onStateChange((state) =>
        this.logger.warn(`Circuit to ${service} is now ${CircuitState[state].toLowerCase()}`),
      );
      this.breakers.set(service, breaker);
    }
    return breaker;
  }

  private async sendOnce<TResult>(pattern: string, envelope: RpcEnvelope, deadline: number): Promise<TResult> {
    const waitMs = Math.max(1, deadline - platformClock.now());
    try {
      return await firstValueFrom(this.transport.send<TResult>(pattern, envelope).pipe(timeout({ first: waitMs })), {
        defaultValue: undefined as TResult,
      });
    } catch (error) {
      throw this.toDomainError(error, pattern, waitMs, envelope.metadata.requestId);
    }
  }

  /** Publishes a fact that happened; resolves once the broker has it. */
  async emit<TData>(pattern: string, data: TData, context: { requestId: string; eventId?: string; occurredAt?: string }): Promise<void> {
    const metadata: EventMetadata = {
      v: ENVELOPE_VERSION,
      requestId: context.requestId,
      ...(context.eventId ? { eventId: context.eventId } : {}),
      caller: this.options.caller,
      occurredAt: context.occurredAt ?? new Date().toISOString(),
    };
    await lastValueFrom(this.transport.emit(pattern, { data, metadata }), { defaultValue: undefined });
  }

  async onApplicationShutdown(): Promise<void> {
    await this.transport.close();
  }

  private toDomainError(error: unknown, pattern: string, deadlineMs: number, requestId: string): DomainError {
    if (DomainError.isWireError(error)) {
      const answered = DomainError.fromWire(error);
      if (answered.kind === ErrorKind.Unavailable) NOT_RUN.add(answered);
      return answered;
    }
    if (error instanceof TimeoutError) {
      return new DomainError(
        CommonErrors.upstreamTimeout,
        ErrorKind.DeadlineExceeded,
        `No answer to "${pattern}" within ${deadlineMs} ms`,
      );
    }
    if (error instanceof NoResponderError) {
      const notSent = new DomainError(CommonErrors.serviceUnavailable, ErrorKind.Unavailable, 'The service is not available');
      NOT_RUN.add(notSent);
      return notSent;
    }
    // Anything else comes from the transport itself: broker down, connection lost, or a
    // service that does not serve the pattern (version skew). None of it is the caller's fault.
    this.logger.warn({ requestId, msg: `Transport failure on "${pattern}": ${describe(error)}` });
    return new DomainError(CommonErrors.serviceUnavailable, ErrorKind.Unavailable, 'The service is not available');
  }
}

const MIN_RETRY_ROOM_MS = 200;
const RETRY_DELAY_MS = 50;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Failures after which a command certainly did not run (or ran to an outcome it does not keep). */
const NOT_RUN = new WeakSet<object>();

function didNotRun(error: unknown): boolean {
  return typeof error === 'object' && error !== null && NOT_RUN.has(error);
}

function isUnavailable(error: unknown): boolean {
  return error instanceof DomainError && error.kind === ErrorKind.Unavailable;
}

/** What trips a breaker: the service not answering, never an answer that is an error. */
function isOutage(error: unknown): boolean {
  return error instanceof DomainError && (error.kind === ErrorKind.Unavailable || error.kind === ErrorKind.DeadlineExceeded);
}

function describe(error: unknown): string {
  if (error instanceof Error) return error.message;
  if (typeof error === 'object' && error !== null && 'message' in error) return String(error.message);
  return String(error);
}
