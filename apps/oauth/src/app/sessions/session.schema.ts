import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import type { AuthMethodReference } from '@site11/contracts';

/** A login: the family of refresh tokens that descend from it. `sid` in access tokens. */
@Schema({ collection: 'sessions', versionKey: false })
export class Session {
  @Prop({ type: String, required: true })
  _id!: string;

  @Prop({ required: true, index: true })
  userId!: string;

  @Prop({ required: true })
  createdAt!: Date;

  /** Absolute end of the session, whatever the rotations; the document is deleted then (SessionsModule). */
  @Prop({ required: true })
  expiresAt!: Date;

  @Prop({ type: Date, default: null })
  revokedAt!: Date | null;

  @Prop({ type: String, default: null })
  revokedReason!: string | null;

  /** Last login or refresh. */
  @Prop({ type: Date })
  lastUsedAt?: Date;

  /** Client address and user agent at login, as the gateway saw them. */
  @Prop({ type: String, default: null })
  ip?: string | null;

  @Prop({ type: String, default: null })
  userAgent?: string | null;

  /** The third-party application this family of refresh tokens belongs to; null for the console and first-party logins. */
  @Prop({ type: String, default: null })
  clientId?: string | null;

  /** How the user signed in (RFC 8176 `amr`): `pwd`, and `otp` after a second factor; carried by every access token of the session. */
  @Prop({ type: [String], default: undefined })
  amr?: AuthMethodReference[];

  /** What the application was granted (third-party sessions only); a refresh may ask for less, never more. */
  @Prop({ type: [String], default: undefined })
  scopes?: string[];
}
export const SessionSchema = SchemaFactory.createForClass(Session);

/** One refresh token, stored only as its SHA-256; single use. */
@Schema({ collection: 'refresh_tokens', versionKey: false })
export class RefreshToken {
  /** SHA-256 of the token, hex. The token itself is never stored. */
  @Prop({ type: String, required: true })
  _id!: string;

  @Prop({ required: true, index: true })
  sessionId!: string;

  @Prop({ required: true })
  userId!: string;

  @Prop({ required: true })
  createdAt!: Date;

  /** Its session's expiresAt; the document is deleted then (SessionsModule). */
  @Prop({ required: true })
  expiresAt!: Date;

  /** Set when the token is exchanged; a second use is theft or a replay. */
  @Prop({ type: Date, default: null })
  usedAt!: Date | null;
}
export const RefreshTokenSchema = SchemaFactory.createForClass(RefreshToken);
