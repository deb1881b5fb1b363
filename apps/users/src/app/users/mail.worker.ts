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
import { Mailer, mailLink } from '@site11/mail';
import type { EventMetadata } from '@site11/messaging';
import { findLiveById, LIVE } from '@site11/persistence';
import { Model, Types } from 'mongoose';
import { Clock } from './clock';
import { mintMailToken, PASSWORD_RESET_TTL_MS, VERIFICATION_TTL_MS } from './mail-tokens';
import { type PendingMailToken, User } from './user.schema';

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
 * and after its last attempt it goes to the dead-letter stream (docs/messaging.md). Each attempt
 * mints a fresh link, so a mail that did get out before a failure holds a link that no longer
 * works; the one that arrives last does.
 */
@Controller()
export class MailWorker {
  private readonly logger = new Logger(MailWorker.name);

  constructor(
    @InjectModel(User.name) private readonly users: Model<User>,
    private readonly mailer: Mailer,
    private readonly clock: Clock,
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
    const token = await this.mint(user, 'passwordReset', PASSWORD_RESET_TTL_MS);
    await this.mailer.send({
      to: user.email,
      template: 'password-reset',
      locale: user.profile?.locale,
      params: { name: user.name, link: mailLink(this.mailer.publicUrl, 'resetPassword', token), expiresInMinutes: PASSWORD_RESET_TTL_MS / 60_000 },
    });
  }

  @EventPattern(UsersEvents.passwordChanged)
  async onPasswordChanged(@Payload('data') event: UserPasswordChangedEvent, @Payload('metadata') metadata: EventMetadata): Promise<void> {
    const user = await findLiveById<Recipient>(this.users, new Types.ObjectId(event.id));
    if (!user) return;
    await this.mailer.send({ to: user.email, template: 'password-changed', locale: user.profile?.locale, params: { name: user.name, at: metadata.occurredAt } });
  }

  @EventPattern(UsersEvents.mfaChanged)
  async onMfaChanged(@Payload('data') event: UserMfaChangedEvent, @Payload('metadata') metadata: EventMetadata): Promise<void> {
    const user = await findLiveById<Recipient>(this.users, new Types.ObjectId(event.id));
    if (!user) return;
    await this.mailer.send({
      to: user.email,
      template: 'mfa-changed',
      locale: user.profile?.locale,
      params: { name: user.name, at: metadata.occurredAt, enabled: event.enabled },
    });
  }

  private async sendVerification(user: Recipient): Promise<void> {
    const token = await this.mint(user, 'verification', VERIFICATION_TTL_MS);
    await this.mailer.send({
      to: user.email,
      template: 'email-verification',
      locale: user.profile?.locale,
      params: { name: user.name, link: mailLink(this.mailer.publicUrl, 'verifyEmail', token), expiresInHours: VERIFICATION_TTL_MS / 3600_000 },
    });
  }

  /** A new link of this kind for the account; the one before it stops working. */
  private async mint(user: Recipient, kind: 'verification' | 'passwordReset', ttlMs: number): Promise<string> {
    const { token, hash } = mintMailToken(user._id.toHexString());
    const pending: PendingMailToken = { hash, expiresAt: new Date(this.clock.now() + ttlMs) };
    // bookkeeping, not a change of the account: its updatedAt (and every copy of it) stays
    await this.users.updateOne({ _id: user._id }, { $set: { [kind]: pending } }, { timestamps: false }).exec();
    return token;
  }

  private byEmail(email: string): Promise<Recipient | null> {
    return this.users.findOne({ email, ...LIVE }).select(RECIPIENT_FIELDS).lean<Recipient>().exec();
  }
}
