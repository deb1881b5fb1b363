import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';

/** The two kinds of link the users service mails. */
export type MailLinkKind = 'verification' | 'passwordReset';

/**
 * The newest link of one kind for one account: only the hash of its token, its expiry, and when
 * its mail went out. A document of its own, not fields of the account: FerretDB runs a
 * conditional update as a read and a rewrite of the whole document, so the mail worker's
 * bookkeeping there could undo a change the owner made to the account at the same moment (an
 * outbox event, a TOTP setup). Deleted once spent, or past its expiry (ExpiryModule).
 */
@Schema({ collection: 'mail_links', versionKey: false })
export class MailLink {
  /** `<account id>:<kind>`: one link of each kind per account, a newer one replacing it. */
  @Prop({ type: String, required: true })
  _id!: string;

  @Prop({ required: true })
  hash!: string;

  @Prop({ required: true })
  expiresAt!: Date;

  /** When the mail carrying it went out (absent while it is being sent). */
  @Prop({ type: Date })
  sentAt?: Date;
}
export const MailLinkSchema = SchemaFactory.createForClass(MailLink);

export const mailLinkId = (userId: string, kind: MailLinkKind) => `${userId}:${kind}`;
