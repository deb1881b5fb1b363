import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import { OUTBOX_FIELDS, type OutboxEvent, type SealedSecret } from '@site11/persistence';
import type { JWK } from 'jose';

@Schema({ collection: 'signing_keys', versionKey: false })
export class SigningKey {
  /** The `kid`. */
  @Prop({ type: String, required: true })
  _id!: string;

  /** 1, 2, 3…: the highest is the current key. Unique, so two replicas cannot rotate twice. */
  @Prop({ required: true, unique: true })
  generation!: number;

  @Prop({ required: true })
  alg!: string;

  @Prop({ type: Object, required: true })
  publicJwk!: JWK;

  /**
   * The private JWK sealed under KEY_ENCRYPTION_KEY (AES-256-GCM, the record's id as associated
   * data). Never leaves this service: not in any reply, log or JWKS. Deleted once the key no
   * longer signs (a newer generation exists): a retired key only verifies, so its private half
   * is a liability with no use.
   */
  @Prop({ type: Object })
  sealedPrivateKey?: SealedSecret;

  /** The private JWK unsealed: only where no KEY_ENCRYPTION_KEY is configured (never in production). Sealed at the first boot with one. */
  @Prop({ type: Object })
  privateJwk?: JWK;

  @Prop({ required: true })
  createdAt!: Date;

  /** The key's `oauth.keys.rotated` audit record, written with it (docs/audit.md). */
  outbox?: OutboxEvent[];
  outboxAt?: Date;
  outboxLast?: string;
}

export const SigningKeySchema = SchemaFactory.createForClass(SigningKey).add(OUTBOX_FIELDS);
