import { Injectable, Logger } from '@nestjs/common';
import { type AuditAction, type AuditOutcome, type LoginMethod, OAuthEvents, type RpcMetadata } from '@site11/contracts';
import { auditRecord, AuditTrail, type OutboxEvent, outboxEvent, PendingEvents } from '@site11/persistence';

/**
 * Sign-ins as facts: `oauth.login.succeeded` and `oauth.login.failed` (counted by statistics) and
 * their audit records (`auth.login.*`, docs/audit.md). A sign-in changes no document of its own
 * (a failed one has no account to write to), so its events are written as a pending-events
 * tombstone, which the outbox relay publishes and deletes, after a crash too.
 */
@Injectable()
export class SignIns {
  private readonly logger = new Logger(SignIns.name);

  constructor(
    private readonly pending: PendingEvents,
    private readonly audit: AuditTrail,
  ) {}

  succeeded(userId: string, method: LoginMethod, metadata: RpcMetadata, clientId?: string): Promise<void> {
    return this.record(
      [outboxEvent(OAuthEvents.loginSucceeded, { userId, method, ...(clientId ? { clientId } : {}) }, metadata.requestId)],
      metadata,
      { actor: userId, action: 'auth.login.succeeded', target: `user:${userId}` },
    );
  }

  /** A wrong password; the record names no account, like the event (a wrong address is none). */
  failed(method: LoginMethod, metadata: RpcMetadata, clientId?: string): Promise<void> {
    return this.record(
      [outboxEvent(OAuthEvents.loginFailed, { method, reason: 'invalid-credentials', ...(clientId ? { clientId } : {}) }, metadata.requestId)],
      metadata,
      { actor: null, action: 'auth.login.failed', target: null, outcome: 'failure' },
    );
  }

  /** A wrong second factor after the right password: the account is known, and its owner may want to know. */
  secondFactorFailed(userId: string, metadata: RpcMetadata): Promise<void> {
    return this.record([], metadata, { actor: null, action: 'auth.mfa.challenge-failed', target: `user:${userId}`, outcome: 'failure' });
  }

  private async record(
    events: OutboxEvent[],
    metadata: RpcMetadata,
    audited: { actor: string | null; action: AuditAction; target: string | null; outcome?: AuditOutcome },
  ): Promise<void> {
    // a sign-in's answer never depends on its events: a write that fails is logged, the sign-in stands
    try {
      await this.pending.write(...events, this.audit.event(auditRecord(metadata, audited)));
    } catch (error) {
      this.logger.warn(`${audited.action} not recorded: ${(error as Error).message}`);
    }
  }
}
