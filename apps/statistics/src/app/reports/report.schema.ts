import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import type { HydratedDocument, Types } from 'mongoose';
import { OUTBOX_FIELDS, type OutboxEvent } from '@site11/persistence';

@Schema({ collection: 'reports', timestamps: true, versionKey: false })
export class Report {
  _id!: Types.ObjectId;

  /** The user who created it: lists are per owner, and only its owner or an admin may see or change it. */
  @Prop({ required: true, index: true })
  ownerId!: string;

  @Prop({ required: true, trim: true })
  name!: string;

  /** The name in lower case, for the case-insensitive prefix search of `?q=` (an index range scan). */
  @Prop({ required: true, index: true })
  nameLower!: string;

  @Prop({ default: '' })
  description!: string;

  /** Set by a delete: the report is gone for every query; the document goes once `statistics.report.deleted` is published. */
  @Prop()
  deletedAt?: Date;

  outbox?: OutboxEvent[];
  outboxAt?: Date;
  outboxLast?: string;

  createdAt!: Date;
  updatedAt!: Date;
}

export type ReportDocument = HydratedDocument<Report>;
export const ReportSchema = SchemaFactory.createForClass(Report).add(OUTBOX_FIELDS);
