import { Controller, Logger } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { EventPattern, Payload } from '@nestjs/microservices';
import {
  type UserCreatedEvent,
  type UserMailRequestedEvent,
  type UserMfaChangedEvent,
  type UserPasswordChangedEvent,
  UsersEvents,
} from '@site11/contracts';
import { Mailer, mailLink, type MailTemplateName, type MailTemplates } from '@site11/mail';
import type { EventMetadata } from '@site11/messaging';
import { findLiveById, LIVE } from '@site11/persistence';
import { Model, Types } from 'mongoose';
import { UsersConfig } from '../users.config';
import { Clock } from './clock';
import { mintMailToken, PASSWORD_RESET_TTL_MS, VERIFICATION_TTL_MS } from './mail-tokens';
import { MailLink, type MailLinkKind, mailLinkId } from './mail-link.schema';
import { User } from './user.schema';

interface Recipient {
  _id: Types.ObjectId;
  email: string;
  name: string;
  emailVerified?: boolean;
  profile?: { locale?: string };
}

const RECIPIENT_FIELDS = '_id email name emailVerified profile.locale deletedAt';

/**
 * The users service's mail worker: it handles the service's own events through its consumer
 * group, so sending never holds up the request that caused it. A link's token is minted here,
 * when the mail goes out, and only its hash is stored (a newer link replaces an older one). A
 * send that fails throws: the event stays pending and is delivered again with a growing delay,
 * and after its last attempt it goes to the dead-letter stream (docs/messaging.md); one the SMTP
 * server refused for good (`MAIL.PERMANENT_FAILURE`) goes there at once (apps/users/src/main.ts). Each attempt
 * mints a fresh link, so a mail that did get out before a failure holds a link that no longer
 * works; the one that arrives last does.
 */
@Controller()
export class MailWorker {
  private readonly logger = new Logger(MailWorker.name);

  constructor(
    @InjectModel(User.name) private readonly users: Model<User>,
    @InjectModel(MailLink.name) private readonly links: Model<MailLink>,
    private readonly mailer: Mailer,
    private readonly clock: Clock,
    private readonly config: UsersConfig,
  ) {}

  /** Every new account that is not verified yet (the seeded admin is) gets its verification link. */
  @EventPattern(UsersEvents.created)
  async onCreated(@Payload('data') event: UserCreatedEvent): Promise<void> {
    const user = await findLiveById<Recipient>(this.users, new Types.ObjectId(event.id));
    if (user && !user.emailVerified) await this.sendVerification(user);
  }

  @EventPattern(UsersEvents.emailVerificationRequested)
  async onVerificationRequested(@Payload('data') event: UserMailRequestedEvent): Promise<void> {
    const user = await this.byEmail(event.email);
    if (user && !user.emailVerified) await this.sendVerification(user);
  }

  @EventPattern(UsersEvents.passwordResetRequested)
  async onPasswordResetRequested(@Payload('data') event: UserMailRequestedEvent): Promise<void> {
    const user = await this.byEmail(event.email);
    // no account, no mail: the request looked the same to whoever made it
    if (!user) return;
    await this.sendLink(user, 'passwordReset', PASSWORD_RESET_TTL_MS, (token) =>
      this.mailTo(user, 'password-reset', { name: user.name, link: mailLink(this.mailer.publicUrl, 'resetPassword', token), expiresInMinutes: PASSWORD_RESET_TTL_MS / 60_000 }),
    );
  }

  @EventPattern(UsersEvents.passwordChanged)
  async onPasswordChanged(@Payload('data') event: UserPasswordChangedEvent, @Payload('metadata') metadata: EventMetadata): Promise<void> {
    const user = await findLiveById<Recipient>(this.users, new Types.ObjectId(event.id));
    if (!user) return;
    await this.mailTo(user, 'password-changed', { name: user.name, at: metadata.occurredAt });
  }

  @EventPattern(UsersEvents.mfaChanged)
  async onMfaChanged(@Payload('data') event: UserMfaChangedEvent, @Payload('metadata') metadata: EventMetadata): Promise<void> {
    const user = await findLiveById<Recipient>(this.users, new Types.ObjectId(event.id));
    if (!user) return;
    await this.mailTo(user, 'mfa-changed', { name: user.name, at: metadata.occurredAt, enabled: event.enabled });
  }

  /** Mail to the account's address, in its language. */
  private mailTo<T extends MailTemplateName>(user: Recipient, template: T, params: MailTemplates[T]) {
    return this.mailer.send({ to: user.email, template, locale: user.profile?.locale, params });
  }

  private sendVerification(user: Recipient): Promise<void> {
    return this.sendLink(user, 'verification', VERIFICATION_TTL_MS, (token) =>
      this.mailTo(user, 'email-verification', { name: user.name, link: mailLink(this.mailer.publicUrl, 'verifyEmail', token), expiresInHours: VERIFICATION_TTL_MS / 3600_000 }),
    );
  }

  /**
   * A new link of this kind for the account (the one before it stops working), sent. Within
   * MAIL_LINK_RESEND_AFTER_MS (a minute) of a link that did go out, nothing is sent: a flood of
   * requests for one address neither fills its mailbox nor keeps replacing the link its owner is
   * about to open.
   */
  private async sendLink(user: Recipient, kind: MailLinkKind, ttlMs: number, send: (token: string) => Promise<unknown>): Promise<void> {
    const _id = mailLinkId(user._id.toHexString(), kind);
    const current = await this.links.findById(_id).lean<MailLink>().exec();
    if (current?.sentAt && this.clock.now() - new Date(current.sentAt).getTime() < this.config.MAIL_LINK_RESEND_AFTER_MS) return;
    const { token, hash } = mintMailToken(user._id.toHexString());
    await this.links.replaceOne({ _id }, { _id, hash, expiresAt: new Date(this.clock.now() + ttlMs) }, { upsert: true }).exec();
    await send(token);
    await this.links.updateOne({ _id, hash }, { $set: { sentAt: new Date(this.clock.now()) } }).exec();
  }

  private byEmail(email: string): Promise<Recipient | null> {
    return this.users.findOne({ email, ...LIVE }).select(RECIPIENT_FIELDS).lean<Recipient>().exec();
  }
}
