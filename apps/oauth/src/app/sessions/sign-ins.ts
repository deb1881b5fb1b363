import { Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { InjectModel, Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import { type EventCatalog, type LoginMethod, OAuthEvents } from '@site11/contracts';
import { OUTBOX_FIELDS, OutboxRelay, outboxEvent, type OutboxEvent, withOutbox } from '@site11/persistence';
import { Model, Types } from 'mongoose';

/**
 * A sign-in's event waiting to be published. A sign-in changes no document of its own (a failed
 * one has no account to write to), so its event is written as a tombstone: the outbox relay
 * publishes it and then deletes the document, and the sweep publishes it after a crash.
 */
@Schema({ collection: 'sign_in_events', versionKey: false })
export class SignInEvent {
  _id!: Types.ObjectId;

  @Prop({ type: Date, required: true })
  deletedAt!: Date;

  outbox?: OutboxEvent[];
  outboxAt?: Date;
  outboxLast?: string;
}
export const SignInEventSchema = SchemaFactory.createForClass(SignInEvent).add(OUTBOX_FIELDS);

/** Publishes `oauth.login.succeeded` and `oauth.login.failed` (counted by statistics). */
@Injectable()
export class SignIns implements OnModuleInit {
  private readonly logger = new Logger(SignIns.name);

  constructor(
    @InjectModel(SignInEvent.name) private readonly events: Model<SignInEvent>,
    private readonly outbox: OutboxRelay,
  ) {}

  onModuleInit(): void {
    this.outbox.watch(this.events);
  }

  succeeded(userId: string, method: LoginMethod, requestId: string, clientId?: string): Promise<void> {
    return this.record(OAuthEvents.loginSucceeded, { userId, method, ...(clientId ? { clientId } : {}) }, requestId);
  }

  failed(method: LoginMethod, requestId: string, clientId?: string): Promise<void> {
    return this.record(OAuthEvents.loginFailed, { method, reason: 'invalid-credentials', ...(clientId ? { clientId } : {}) }, requestId);
  }

  private async record<P extends typeof OAuthEvents.loginSucceeded | typeof OAuthEvents.loginFailed>(
    pattern: P,
    data: EventCatalog[P],
    requestId: string,
  ): Promise<void> {
    // a sign-in's answer never depends on its event: a write that fails is logged, the sign-in stands
    try {
      const event = outboxEvent(pattern, data, requestId);
      const _id = new Types.ObjectId();
      await this.events.create({ _id, deletedAt: event.occurredAt, ...withOutbox(event) });
      await this.outbox.publishOrDefer(this.events, _id, [event]);
    } catch (error) {
      this.logger.warn(`${pattern} not recorded: ${(error as Error).message}`);
    }
  }
}
