import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import type { HydratedDocument, Types } from 'mongoose';
import { OUTBOX_FIELDS, type OutboxEvent } from '@site11/persistence';

/**
 * One immutable version of an application's configuration in one environment. The values are
 * kept as their JSON text: configuration keys may be anything JSON allows (`$schema`, `a.b`),
 * which MongoDB field names may not be, and nothing in them is ever read as a query.
 */
@Schema({ collection: 'config_versions', versionKey: false })
export class ConfigVersion {
  _id!: Types.ObjectId;

  @Prop({ required: true })
  applicationId!: string;

  @Prop({ required: true })
  env!: string;

  /** 1, 2, 3 … per application and environment; unique with them (a concurrent PUT loses). */
  @Prop({ required: true })
  version!: number;

  @Prop({ required: true })
  valuesJson!: string;

  @Prop({ required: true })
  message!: string;

  /** The user who published it. */
  @Prop({ required: true })
  author!: string;

  @Prop({ required: true })
  createdAt!: Date;

  outbox?: OutboxEvent[];
  outboxAt?: Date;
  outboxLast?: string;
}

export type ConfigVersionDocument = HydratedDocument<ConfigVersion>;
export const ConfigVersionSchema = SchemaFactory.createForClass(ConfigVersion).add(OUTBOX_FIELDS);
ConfigVersionSchema.index({ applicationId: 1, env: 1, version: -1 }, { unique: true });
