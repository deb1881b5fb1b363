import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import type { ImportErrorDto, ImportFailureDto, ImportFormat, ImportJobDto, ImportMode, ImportStatus } from '@site11/contracts';
import mongoose, { type Types } from 'mongoose';

@Schema({ collection: 'import_jobs', timestamps: true, versionKey: false })
export class ImportJob {
  _id!: Types.ObjectId;

  @Prop({ required: true, index: true })
  datasetId!: string;

  @Prop({ required: true })
  ownerId!: string;

  @Prop({ type: String, required: true })
  status!: ImportStatus;

  @Prop({ type: String, required: true })
  mode!: ImportMode;

  @Prop({ type: String, required: true })
  format!: ImportFormat;

  /** CSV: the header and its delimiter, read when the upload was accepted. */
  @Prop({ type: [String], default: undefined })
  header?: string[];

  @Prop()
  delimiter?: string;

  @Prop({ default: 0 })
  bytes!: number;

  @Prop({ default: 0 })
  bytesRead!: number;

  @Prop({ default: 0 })
  rowsRead!: number;

  @Prop({ default: 0 })
  rowsImported!: number;

  @Prop({ default: 0 })
  rowsRejected!: number;

  /** The first IMPORT_ERRORS_LISTED problems (`errors` in the API; mongoose reserves the name). */
  @Prop({ type: mongoose.Schema.Types.Mixed, default: () => [] })
  problems!: ImportErrorDto[];

  /** The columns of rejected.csv, before `_line` and `_error`. */
  @Prop({ type: [String], default: [] })
  columns!: string[];

  /** The version its rows are written to (once running); current once completed. */
  @Prop()
  version?: number;

  @Prop({ type: mongoose.Schema.Types.Mixed })
  failure?: ImportFailureDto;

  /** The instance that holds the upload and runs the job; its lease ends at `leaseUntil` unless renewed. */
  @Prop({ required: true })
  instance!: string;

  @Prop({ required: true })
  leaseUntil!: Date;

  @Prop()
  finishedAt?: Date;

  createdAt!: Date;
  updatedAt!: Date;
}

export const ImportJobSchema = SchemaFactory.createForClass(ImportJob);

export function toImportJobDto(job: ImportJob): ImportJobDto {
  return {
    jobId: job._id.toHexString(),
    datasetId: job.datasetId,
    status: job.status,
    mode: job.mode,
    format: job.format,
    bytes: job.bytes,
    bytesRead: job.bytesRead,
    rowsRead: job.rowsRead,
    rowsImported: job.rowsImported,
    rowsRejected: job.rowsRejected,
    errors: job.problems ?? [],
    version: job.status === 'completed' ? (job.version ?? null) : null,
    failure: job.failure ?? null,
    createdAt: job.createdAt.toISOString(),
    finishedAt: job.finishedAt ? job.finishedAt.toISOString() : null,
  };
}
