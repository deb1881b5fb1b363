import { Inject, Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { type PasswordResetDone, type RpcMetadata, UsersEvents } from '@site11/contracts';
import { auditEvent, auditRecord, changeWithEvents, findLiveById, LIVE, outboxEvent, OutboxRelay, PendingEvents } from '@site11/persistence';
import { REDIS_CLIENT, type RedisClient } from '@site11/redis';
import { Model, Types } from 'mongoose';
import { Clock } from './clock';
import { PASSWORD_RESET_TTL_MS, readMailToken, VERIFICATION_TTL_MS } from './mail-tokens';
import { PasswordHasher } from './password-hasher';
import { SearchIndexService } from './search-index/search-index.service';
import { MailLink, type MailLinkKind, mailLinkId } from './mail-link.schema';
import { User } from './user.schema';
import { InvalidResetTokenError, InvalidVerificationTokenError } from './users.errors';


/** What a call brings to its audit record: the request id, and the client as the gateway saw it. */
export type AuditedCall = Pick<RpcMetadata, 'requestId' | 'client'>;

/**
 * Email verification and password reset. Asking for a link only records the request: one
 * insert for every request (a pending-events tombstone the outbox relay publishes and deletes),
 * whether the address is an account's or not, so neither the answer nor its timing tells;
 * the mail worker (mail.worker.ts) finds the account, mints the link's token and sends it, so a
 * token never travels through Redis and a slow mail server never holds up a request. A link is
 * single-use, and only the newest of its kind works.
 */
@Injectable()
export class AccountRecoveryService {
  constructor(
    @InjectModel(User.name) private readonly users: Model<User>,
    @InjectModel(MailLink.name) private readonly links: Model<MailLink>,
    private readonly pending: PendingEvents,
    @Inject(REDIS_CLIENT) private readonly redis: RedisClient,
    private readonly outbox: OutboxRelay,
    private readonly passwords: PasswordHasher,
    private readonly searchIndex: SearchIndexService,
    private readonly clock: Clock,
  ) {}

  /** A new verification mail for this address, if it is an unverified account's (no answer tells). */
  requestVerification(email: string, requestId: string): Promise<void> {
    return this.pending.write(outboxEvent(UsersEvents.emailVerificationRequested, { email }, requestId));
  }

  /** A reset mail for this address, if it is an account's (no answer tells). */
  requestPasswordReset(email: string, call: AuditedCall): Promise<void> {
    // recorded whatever the address (the record names no account): who asks for resets, from where
    return this.pending.write(
      outboxEvent(UsersEvents.passwordResetRequested, { email }, call.requestId),
      auditEvent('users', auditRecord(call, { actor: null, action: 'auth.password-reset.requested', target: null }), call.requestId),
    );
  }

  /** The address is the account's: `emailVerified` from now on; the link stops working. */
  async verifyEmail(token: string, call: AuditedCall): Promise<void> {
    const { _id } = await this.redeem(token, 'verification', () => new InvalidVerificationTokenError());
    const id = _id.toHexString();
    const events = [
      outboxEvent(UsersEvents.updated, { id, changed: ['emailVerified'] }, call.requestId),
      auditEvent('users', auditRecord(call, { actor: id, action: 'auth.email.verified', target: `user:${id}` }), call.requestId),
    ];
    const { matchedCount } = await this.users.updateOne({ _id, ...LIVE }, changeWithEvents(events, { emailVerified: true })).exec();
    if (matchedCount === 0) throw new InvalidVerificationTokenError();
    await this.searchIndex.changed(id);
    await this.outbox.publishOrDefer(this.users, _id);
  }

  /**
   * Sets the password of the account the reset link is for. Following the link proves the
   * address too, so the account counts as verified. The caller (oauth) ends its sessions.
   */
  async resetPassword(token: string, newPassword: string, call: AuditedCall): Promise<PasswordResetDone> {
    const { _id, emailVerified } = await this.redeem(token, 'passwordReset', () => new InvalidResetTokenError());
    const id = _id.toHexString();
    const passwordHash = await this.passwords.hash(newPassword);
    const { requestId } = call;
    const events = [
      outboxEvent(UsersEvents.passwordChanged, { id, via: 'reset' }, requestId),
      // whoever holds the link acts as the account's owner
      auditEvent('users', auditRecord(call, { actor: id, action: 'auth.password.reset', target: `user:${id}` }), requestId),
    ];
    if (!emailVerified) events.push(outboxEvent(UsersEvents.updated, { id, changed: ['emailVerified'] }, requestId));
    const { matchedCount } = await this.users
      .updateOne({ _id, ...LIVE }, changeWithEvents(events, { passwordHash, emailVerified: true }))
      .exec();
    if (matchedCount === 0) throw new InvalidResetTokenError();
    await this.searchIndex.changed(id);
    await this.outbox.publishOrDefer(this.users, _id);
    return { userId: id };
  }

  /**
   * Spends a link: it must be the account's newest of its kind and unexpired, and it is claimed
   * in Redis first, so of two concurrent uses only one goes on (FerretDB does not make a
   * conditional update atomic; docs/decisions.md).
   */
  private async redeem(token: string, kind: MailLinkKind, invalid: () => Error): Promise<{ _id: Types.ObjectId; emailVerified: boolean }> {
    const parsed = readMailToken(token);
    if (!parsed) throw invalid();
    const linkId = mailLinkId(parsed.id, kind);
    const link = await this.links.findById(linkId).lean<MailLink>().exec();
    if (!link || link.hash !== parsed.hash || new Date(link.expiresAt).getTime() <= this.clock.now()) throw invalid();
    const _id = new Types.ObjectId(parsed.id);
    const user = await findLiveById<{ emailVerified?: boolean }>(this.users, _id);
    if (!user) throw invalid();
    const ttl = kind === 'verification' ? VERIFICATION_TTL_MS : PASSWORD_RESET_TTL_MS;
    const claimed = await this.redis.set(`mail-link:{users}:${parsed.hash}`, '1', 'PX', ttl, 'NX');
    if (claimed !== 'OK') throw invalid();
    // spent: gone with its hash (a newer link the worker just stored stays)
    await this.links.deleteOne({ _id: linkId, hash: parsed.hash }).exec();
    if (kind === 'passwordReset') await this.links.deleteOne({ _id: mailLinkId(parsed.id, 'verification') }).exec();
    return { _id, emailVerified: user.emailVerified ?? false };
  }
}
