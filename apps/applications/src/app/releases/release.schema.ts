import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import type { HydratedDocument, Types } from 'mongoose';

/** A release of an application: a semantic version that pins one configuration version per environment. */
@Schema({ collection: 'releases', versionKey: false })
export class Release {
  _id!: Types.ObjectId;

  @Prop({ required: true })
  applicationId!: string;

  @Prop({ required: true })
  version!: string;

  @Prop({ default: '' })
  notes!: string;

  /** Environment → configuration version. Environment names are `[a-z0-9-]`, safe as keys. */
  @Prop({ type: Object, required: true })
  configVersions!: Record<string, number>;

  @Prop({ required: true })
  author!: string;

  @Prop({ required: true })
  createdAt!: Date;
}

export type ReleaseDocument = HydratedDocument<Release>;
export const ReleaseSchema = SchemaFactory.createForClass(Release);
ReleaseSchema.index({ applicationId: 1, version: 1 }, { unique: true });
ReleaseSchema.index({ applicationId: 1, _id: -1 });
