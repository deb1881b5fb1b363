import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import type { HydratedDocument, Types } from 'mongoose';
import { USER_ROLES, type UserRole } from '@site11/contracts';
import { OUTBOX_FIELDS, type OutboxEvent, type SealedSecret } from '@site11/persistence';

/** TOTP of an account, as stored (never selected by default). */
export interface StoredTotp {
  /** The shared secret in base32, sealed under the service's key-encryption key when one is configured. */
  secret: SealedSecret | string;
  enabledAt: Date;
  /** The last RFC 6238 time step a code was accepted for: codes of that step or earlier are refused (no replay). */
  lastStep: number;
  /** SHA-256 of each unused recovery code. */
  recoveryCodes: string[];
}

/** A TOTP secret shown at setup and not confirmed yet. */
export interface PendingTotp {
  secret: SealedSecret | string;
  createdAt: Date;
}

@Schema({ _id: false, versionKey: false })
export class Profile {
  @Prop() displayName?: string;
  @Prop() bio?: string;
  @Prop() avatarUrl?: string;
  @Prop() locale?: string;
  @Prop() timezone?: string;
}
export const ProfileSchema = SchemaFactory.createForClass(Profile);

@Schema({ collection: 'users', timestamps: true, versionKey: false })
export class User {
  _id!: Types.ObjectId;

  /** Normalised (trimmed, lower-case); the unique index makes registration race-free. */
  @Prop({ required: true, unique: true, lowercase: true, trim: true })
  email!: string;

  @Prop({ required: true, trim: true })
  name!: string;

  /**
   * Lower-cased copy of `name`: an anchored, case-sensitive regex on it is an index range scan,
   * which a case-insensitive regex on `name` would not be.
   */
  @Prop({ required: true, index: true })
  nameLower!: string;

  @Prop({ type: [String], enum: USER_ROLES, default: ['user'] })
  roles!: UserRole[];

  @Prop({ type: ProfileSchema, default: () => ({}) })
  profile!: Profile;

  /** Key of the command that created the user: a redelivered create returns this user. */
  @Prop({ select: false })
  createdBy?: string;

  /** argon2id hash; excluded from every query unless explicitly selected. */
  @Prop({ select: false })
  passwordHash?: string;

  /** Whether the owner proved the address by a link sent to it (or the account was seeded by the platform). */
  @Prop({ default: false })
  emailVerified!: boolean;

  /** Whether sign-in needs a TOTP code (or a recovery code) after the password. */
  @Prop({ default: false })
  mfaEnabled!: boolean;

  @Prop({ type: Object, select: false })
  totp?: StoredTotp;

  @Prop({ type: Object, select: false })
  totpPending?: PendingTotp;

  /** Set by a delete: the account is gone for every query; the document goes once `users.deleted` is published. */
  @Prop()
  deletedAt?: Date;

  outbox?: OutboxEvent[];
  outboxAt?: Date;
  outboxLast?: string;

  createdAt!: Date;
  updatedAt!: Date;
}

export type UserDocument = HydratedDocument<User>;
export const UserSchema = SchemaFactory.createForClass(User).add(OUTBOX_FIELDS);
