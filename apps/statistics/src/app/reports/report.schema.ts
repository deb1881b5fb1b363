import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import type { ReportFormat, ReportKind, ReportStatus } from '@site11/contracts';
import { OUTBOX_FIELDS, type OutboxEvent } from '@site11/persistence';
import type { HydratedDocument, Types } from 'mongoose';

/** A report asked for: a job until it is completed or failed, then its file. */
@Schema({ collection: 'reports', timestamps: true, versionKey: false })
export class Report {
  _id!: Types.ObjectId;

  /** The user who asked for it: lists are per owner, and only its owner or an admin may see it. */
  @Prop({ required: true, index: true })
  ownerId!: string;

  /** Whether it covers everyone's events (asked by an admin) or only the owner's. */
  @Prop({ required: true })
  everyone!: boolean;

  @Prop({ type: String, required: true })
  kind!: ReportKind;

  @Prop({ type: String, required: true })
  format!: ReportFormat;

  @Prop({ type: Date, required: true })
  from!: Date;

  @Prop({ type: Date, required: true })
  to!: Date;

  @Prop({ type: String, required: true, index: true })
  status!: ReportStatus;

  /** The instance generating it and until when; another takes over a job whose lease ran out. */
  @Prop({ type: String, default: null })
  holder!: string | null;

  @Prop({ type: Date, default: null })
  leaseUntil!: Date | null;

  @Prop({ default: 0 })
  attempts!: number;

  @Prop({ type: { code: String, message: String, _id: false }, default: null })
  failure!: { code: string; message: string } | null;

  @Prop({ required: true })
  filename!: string;

  @Prop({ default: 0 })
  bytes!: number;

  /** The file, once completed (at most STATISTICS_REPORT_MAX_BYTES); read only to download it. */
  @Prop({ type: Buffer, select: false })
  content?: Buffer;

  @Prop({ type: Date, default: null })
  completedAt!: Date | null;

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
