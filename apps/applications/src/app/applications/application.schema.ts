import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import type { ApplicationType, GrantType, Scope } from '@site11/contracts';
import type { HydratedDocument, Types } from 'mongoose';
import { OUTBOX_FIELDS, type OutboxEvent } from '@site11/persistence';

/** A registered OAuth client. Its secrets are stored only as SHA-256 hashes. */
@Schema({ collection: 'applications', timestamps: true, versionKey: false })
export class Application {
  _id!: Types.ObjectId;

  /** The user who registered it: lists are per owner, and only its owner or an admin may see or change it. */
  @Prop({ required: true, index: true })
  ownerId!: string;

  /** The OAuth `client_id`: 128 random bits, base64url. */
  @Prop({ required: true, unique: true })
  clientId!: string;

  @Prop({ required: true, trim: true })
  name!: string;

  /** The name in lower case, for the case-insensitive prefix search of `?q=` (an index range scan). */
  @Prop({ required: true, index: true })
  nameLower!: string;

  @Prop({ type: String, required: true })
  type!: ApplicationType;

  @Prop({ type: [String], default: [] })
  redirectUris!: string[];

  @Prop({ type: [String], default: [] })
  postLogoutRedirectUris!: string[];

  @Prop({ type: [String], default: [] })
  grantTypes!: GrantType[];

  @Prop({ type: [String], default: [] })
  scopes!: Scope[];

  @Prop({ type: String, default: null })
  homepageUrl!: string | null;

  @Prop({ type: String, default: null })
  logoUrl!: string | null;

  /** SHA-256 (hex) of the client secret; null for public clients. */
  @Prop({ type: String, default: null })
  secretHash!: string | null;

  @Prop({ type: Date, default: null })
  secretIssuedAt!: Date | null;

  /** The secret before the last rotation, valid until `previousSecretExpiresAt`. */
  @Prop({ type: String, default: null })
  previousSecretHash!: string | null;

  @Prop({ type: Date, default: null })
  previousSecretExpiresAt!: Date | null;

  /** Set by a delete: gone for every query; the document goes once `applications.deleted` is published. */
  @Prop()
  deletedAt?: Date;

  outbox?: OutboxEvent[];
  outboxAt?: Date;
  outboxLast?: string;

  createdAt!: Date;
  updatedAt!: Date;
}

export type ApplicationDocument = HydratedDocument<Application>;
export const ApplicationSchema = SchemaFactory.createForClass(Application).add(OUTBOX_FIELDS);
