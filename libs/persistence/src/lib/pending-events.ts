import { Injectable, type OnModuleInit } from '@nestjs/common';
import { InjectModel, Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import { Model, Types } from 'mongoose';
import { OUTBOX_FIELDS, OutboxRelay, type OutboxEvent } from './outbox';

/**
 * Events of an action that changes no document of the service's own (a failed sign-in has no
 * account to write to; an audit record of a key withdrawal outlives the key), written as a
 * tombstone: the outbox relay publishes them, then deletes the document, and its sweep publishes
 * them after a crash.
 */
@Schema({ collection: 'pending_events', versionKey: false })
export class PendingEvent {
  _id!: Types.ObjectId;

  /** Always set: the document is deleted as soon as its events are out. */
  @Prop({ type: Date, required: true })
  deletedAt!: Date;

  outbox?: OutboxEvent[];
  outboxAt?: Date;
  outboxLast?: string;
}
export const PendingEventSchema = SchemaFactory.createForClass(PendingEvent).add(OUTBOX_FIELDS);

/** Writes events that belong to no document, and publishes them like any outbox. */
@Injectable()
export class PendingEvents implements OnModuleInit {
  constructor(
    @InjectModel(PendingEvent.name)
    private readonly pending: Model<PendingEvent>,
    private readonly outbox: OutboxRelay,
  ) {}

  onModuleInit(): void {
    this.outbox.watch(this.pending);
  }

  /** Once this returns, the events are durable: published now, or by the relay's retry or sweep. */
  async write(...events: OutboxEvent[]): Promise<void> {
    if (events.length === 0) return;
    const last = events[events.length - 1];
    const _id = new Types.ObjectId();
    await this.pending.create({
      _id,
      deletedAt: last.occurredAt,
      outbox: events,
      outboxAt: last.occurredAt,
      outboxLast: last.id,
    });
    await this.outbox.publishOrDefer(this.pending, _id, events);
  }
}
