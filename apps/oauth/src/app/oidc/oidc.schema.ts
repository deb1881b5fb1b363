import type { AuthMethodReference } from '@site11/contracts';
import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import type { Types } from 'mongoose';
import { OUTBOX_FIELDS, type OutboxEvent } from '@site11/persistence';

/**
 * A browser at the authorization server: the `site11_as` cookie is its token (stored as SHA-256).
 * Signed in once `userId` is set; the token is replaced at sign-in (no session fixation).
 */
@Schema({ collection: 'browser_sessions', versionKey: false })
export class BrowserSession {
  @Prop({ type: String, required: true })
  _id!: string;

  @Prop({ type: String, default: null })
  userId!: string | null;

  /** When the user last entered their password here (`auth_time`). */
  @Prop({ type: Date, default: null })
  authTime!: Date | null;

  /** How the user signed in here (RFC 8176): `pwd`, and `otp` after a second factor. */
  @Prop({ type: [String], default: undefined })
  amr?: AuthMethodReference[];

  @Prop({ required: true })
  createdAt!: Date;

  @Prop({ required: true })
  expiresAt!: Date;
}
export const BrowserSessionSchema = SchemaFactory.createForClass(BrowserSession);

/** A pending `GET /oauth2/authorize`, between the sign-in and consent pages; ten minutes at most. */
@Schema({ collection: 'authorization_requests', versionKey: false })
export class AuthorizationRequest {
  /** Random, 128 bits: the `request` field of the pages' forms. */
  @Prop({ type: String, required: true })
  _id!: string;

  /** The browser that made it (hash of its cookie): another browser cannot complete it. */
  @Prop({ required: true })
  browser!: string;

  /** The forms' CSRF token, random, compared in constant time. */
  @Prop({ required: true })
  csrf!: string;

  @Prop({ required: true })
  clientId!: string;

  @Prop({ required: true })
  redirectUri!: string;

  @Prop({ type: [String], required: true })
  scopes!: string[];

  @Prop({ type: String, default: null })
  state!: string | null;

  @Prop({ type: String, default: null })
  nonce!: string | null;

  @Prop({ type: String, default: null })
  codeChallenge!: string | null;

  /** `prompt` values still to honour: `login` until the password is entered, `consent` throughout. */
  @Prop({ type: [String], default: [] })
  prompt!: string[];

  @Prop({ required: true })
  createdAt!: Date;

  @Prop({ required: true })
  expiresAt!: Date;
}
export const AuthorizationRequestSchema = SchemaFactory.createForClass(AuthorizationRequest);

/** An authorization code (stored as SHA-256): one minute, one use. */
@Schema({ collection: 'authorization_codes', versionKey: false })
export class AuthorizationCode {
  @Prop({ type: String, required: true })
  _id!: string;

  @Prop({ required: true })
  clientId!: string;

  @Prop({ required: true })
  userId!: string;

  @Prop({ required: true })
  redirectUri!: string;

  @Prop({ type: [String], required: true })
  scopes!: string[];

  @Prop({ type: String, default: null })
  nonce!: string | null;

  @Prop({ type: String, default: null })
  codeChallenge!: string | null;

  @Prop({ required: true })
  authTime!: Date;

  @Prop({ required: true })
  expiresAt!: Date;

  /** Set by the exchange; a second exchange is a replay. */
  @Prop({ type: Date, default: null })
  usedAt!: Date | null;

  /** The refresh-token family the exchange started: revoked if the code is replayed. */
  @Prop({ type: String, default: null })
  sessionId!: string | null;
}
export const AuthorizationCodeSchema = SchemaFactory.createForClass(AuthorizationCode);

/** What a user allowed an application: its scopes, remembered so consent is asked once. */
@Schema({ collection: 'grants', versionKey: false, timestamps: true })
export class Grant {
  _id!: Types.ObjectId;

  @Prop({ required: true })
  userId!: string;

  @Prop({ required: true })
  clientId!: string;

  /** Empty once revoked: the document stays (one per user and application), so consent can grant again. */
  @Prop({ type: [String], required: true })
  scopes!: string[];

  @Prop({ type: Date, default: null })
  revokedAt!: Date | null;

  outbox?: OutboxEvent[];
  outboxAt?: Date;
  outboxLast?: string;

  createdAt!: Date;
  updatedAt!: Date;
}
export const GrantSchema = SchemaFactory.createForClass(Grant).add(OUTBOX_FIELDS);
GrantSchema.index({ userId: 1, clientId: 1 }, { unique: true });
