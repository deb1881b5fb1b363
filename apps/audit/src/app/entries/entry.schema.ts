import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import { AUDIT_ACTIONS, type AuditAction, type AuditOutcome } from '@site11/contracts';
import type { HydratedDocument } from 'mongoose';

/**
 * One entry of the audit log. Append-only: the service inserts entries and never changes or
 * deletes one. `_id` is the entry's place in the chain (`seq`, 1, 2, 3…): unique, so two replicas
 * cannot both append the same place, and the one lookup FerretDB 1.24 answers without reading the
 * whole collection. `hash` seals the entry's fields and `prevHash` (see audit-chain.ts).
 */
@Schema({ collection: 'entries', versionKey: false })
export class Entry {
  /** `seq`: the entry's position in the chain. */
  @Prop({ type: Number, required: true })
  _id!: number;

  /** The id of the event that recorded it (its outbox id): the same event is appended once. */
  @Prop({ type: String, required: true, unique: true })
  eventId!: string;

  @Prop({ type: Date, required: true })
  at!: Date;

  @Prop({ type: String, default: null })
  actor!: string | null;

  @Prop({ type: String, required: true, enum: AUDIT_ACTIONS })
  action!: AuditAction;

  @Prop({ type: String, default: null })
  target!: string | null;

  @Prop({ type: String, default: null })
  ip!: string | null;

  @Prop({ type: String, default: null })
  userAgent!: string | null;

  @Prop({ type: String, required: true })
  requestId!: string;

  @Prop({ type: String, required: true, enum: ['success', 'failure'] })
  outcome!: AuditOutcome;

  @Prop({ type: String, required: true })
  prevHash!: string;

  @Prop({ type: String, required: true })
  hash!: string;

  /**
   * The users an entry is about (its actor, and the target when it is a user), for "my recent
   * security activity" in one indexed equality. Derived from the sealed fields, so not sealed.
   */
  @Prop({ type: [String], default: [] })
  involves!: string[];
}

export type EntryDocument = HydratedDocument<Entry>;
export const EntrySchema = SchemaFactory.createForClass(Entry);
// newest first within each filter: the list reads one index range, never the collection
EntrySchema.index({ actor: 1, _id: -1 });
EntrySchema.index({ action: 1, _id: -1 });
EntrySchema.index({ target: 1, _id: -1 });
EntrySchema.index({ involves: 1, _id: -1 });
EntrySchema.index({ at: -1 });
