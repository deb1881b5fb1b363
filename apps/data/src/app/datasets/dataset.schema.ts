import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import mongoose, { type HydratedDocument, type Types } from 'mongoose';
import { OUTBOX_FIELDS, type OutboxEvent } from '@site11/persistence';
import type { StoredField } from '../schema/field-rules';

/** One kept version: its rows are the collection `rows_<dataset>_<version>`. */
export interface StoredVersion {
  version: number;
  source: 'import' | 'transform';
  rowCount: number;
  schema: StoredField[];
  createdAt: Date;
}

@Schema({ collection: 'datasets', timestamps: true, versionKey: false })
export class Dataset {
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

  /**
   * The schema of the current version: its fields, each with the key its values are stored
   * under (`schema` is the API's name; mongoose reserves it for documents).
   */
  @Prop({ type: mongoose.Schema.Types.Mixed, default: () => [] })
  fields!: StoredField[];

  /** The next field key number: keys are never reused, so an old version's rows never meet a new meaning. */
  @Prop({ default: 0 })
  nextKey!: number;

  /** The current version; 0 until the first import. */
  @Prop({ default: 0 })
  version!: number;

  /** The last version number handed out (to an import or a transformation, finished or not). */
  @Prop({ default: 0 })
  lastVersion!: number;

  @Prop({ default: 0 })
  rowCount!: number;

  /**
   * Bumped by every change of the rows or schema (an import or transformation made current, a
   * rollback, a schema edit): work that started from one revision commits only onto it, so two
   * of them never interleave into a version neither meant.
   */
  @Prop({ default: 0 })
  revision!: number;

  /** Kept versions, oldest first (DATA_VERSIONS_KEPT). */
  @Prop({ type: mongoose.Schema.Types.Mixed, default: () => [] })
  versions!: StoredVersion[];

  /** Set by a delete: the dataset is gone for every query; the document goes once `data.dataset.deleted` is published. */
  @Prop()
  deletedAt?: Date;

  outbox?: OutboxEvent[];
  outboxAt?: Date;
  outboxLast?: string;

  createdAt!: Date;
  updatedAt!: Date;
}

export type DatasetDocument = HydratedDocument<Dataset>;
export const DatasetSchema = SchemaFactory.createForClass(Dataset).add(OUTBOX_FIELDS);
