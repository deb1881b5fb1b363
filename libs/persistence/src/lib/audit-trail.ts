import { Inject, Injectable } from '@nestjs/common';
import { AuditEvents, type AuditProducer, type AuditRecordedEvent } from '@site11/contracts';
import { type OutboxEvent, outboxEvent } from './outbox';
import { PendingEvents } from './pending-events';

/** The service whose audit stream (`<service>.audit.recorded`) an app's `AuditTrail` writes to. */
export const AUDIT_PRODUCER = Symbol('AUDIT_PRODUCER');

/**
 * The record as an outbox event on the producer's audit stream, to write in the same
 * single-document operation as the change it describes (`withOutbox`, `pushOutbox`,
 * `changeWithEvents`): the change is never without its record, nor the record without the change.
 */
export function auditEvent(producer: AuditProducer, record: AuditRecordedEvent, requestId: string): OutboxEvent {
  return outboxEvent(AuditEvents[producer], record, requestId);
}

/**
 * Records audited actions that change no document of the service's own (a key withdrawal, which
 * deletes its document; a sign-in): each record is a pending-events tombstone that the outbox
 * relay publishes, then deletes. Registered by `PersistenceModule.forService(…, { audit: '<service>' })`.
 * A record written after its action is lost if the process dies in between: actions that write a
 * document use `auditEvent` in that write instead.
 */
@Injectable()
export class AuditTrail {
  constructor(
    @Inject(AUDIT_PRODUCER) private readonly producer: AuditProducer,
    private readonly pending: PendingEvents,
  ) {}

  /** The outbox event of a record, for a write of the service's own (see `auditEvent`). */
  event(record: AuditRecordedEvent): OutboxEvent {
    return auditEvent(this.producer, record, record.requestId);
  }

  /** Durable once it returns; fails (and the caller's request with it) when the database does. */
  record(record: AuditRecordedEvent): Promise<void> {
    return this.pending.write(this.event(record));
  }
}
