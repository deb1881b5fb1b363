import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import type { HydratedDocument, Types } from 'mongoose';
import type { ImageVariantName, ImageVisibility } from '@site11/contracts';
import { OUTBOX_FIELDS, type OutboxEvent } from '@site11/persistence';

/** One stored rendition of an image: a size (`original`, `thumb`...) in one format. */
export class StoredVariant {
  name!: ImageVariantName;
  /** `<name>/<contentType>`: one entry per key (a conversion is added only where `variants.key` lacks it). */
  key!: string;
  /** `image/webp`...; a size has one stored format, conversions add entries with others. */
  contentType!: string;
  width!: number;
  height!: number;
  bytes!: number;
  /** The GridFS file that holds it. */
  fileId!: Types.ObjectId;
  /** SHA-256 of the stored bytes, hex: the ETag. */
  sha256!: string;
  /** Made from the stored size on a request for another format (not counted as a size of its own). */
  converted?: boolean;
  createdAt!: Date;
}

@Schema({ collection: 'images', timestamps: true, versionKey: false })
export class Image {
  _id!: Types.ObjectId;

  /** The user who uploaded it: lists are per owner, and only its owner or an admin may see or change it. */
  @Prop({ required: true, index: true })
  ownerId!: string;

  @Prop({ required: true })
  filename!: string;

  /** The file name in lower case, for the case-insensitive prefix search of `?q=` (an index range scan). */
  @Prop({ required: true, index: true })
  filenameLower!: string;

  @Prop({ required: true })
  contentType!: string;

  /** Size of the stored original. */
  @Prop({ required: true })
  bytes!: number;

  /** The original, its sizes and its conversions: what counts against the quota. */
  @Prop({ required: true })
  storedBytes!: number;

  @Prop({ required: true })
  width!: number;

  @Prop({ required: true })
  height!: number;

  /** SHA-256 of the uploaded bytes, hex. */
  @Prop({ required: true })
  sha256!: string;

  /**
   * `<ownerId>:<sha256>` while the image lives, unique: the same file uploaded twice by its owner
   * is one image, even when both uploads run at once. A delete frees it.
   */
  @Prop({ required: true, unique: true })
  dedupeKey!: string;

  @Prop({ type: [Object], default: [] })
  variants!: StoredVariant[];

  /** Every GridFS file of the image (multikey index): what the orphan sweep asks about. */
  @Prop({ type: [Object], default: [], index: true })
  fileIds!: Types.ObjectId[];

  @Prop({ type: String, required: true, enum: ['private', 'public'], default: 'private' })
  visibility!: ImageVisibility;

  /** 128 random bits, base64url: the public link. Replaced whenever the image goes private. */
  @Prop({ required: true, unique: true })
  publicToken!: string;

  /** Set by a delete: the image is gone for every query; the document goes once `images.image.deleted` is published. */
  @Prop()
  deletedAt?: Date;

  outbox?: OutboxEvent[];
  outboxAt?: Date;
  outboxLast?: string;

  createdAt!: Date;
  updatedAt!: Date;
}

export type ImageDocument = HydratedDocument<Image>;
export const ImageSchema = SchemaFactory.createForClass(Image).add(OUTBOX_FIELDS);
