import { Injectable, type OnModuleInit } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { AuthErrors, DomainError, ErrorKind, type GrantDto, type GrantRevokedEvent, OAuthEvents, type RpcMetadata } from '@site11/contracts';
import { auditEvent, auditRecord, changeWithEvents, OutboxRelay, outboxEvent, pushOutbox } from '@site11/persistence';
import { Model } from 'mongoose';
import { ClientSessionsService } from '../sessions/client-sessions.service';
import { TokensService } from '../sessions/tokens.service';
import { ApplicationsClient } from './applications.client';
import { AuthorizationCode, Grant } from './oidc.schema';

/** Tokens an application got with client credentials carry this `sid`, so they can be revoked by client id. */
export const clientCredentialsSid = (clientId: string) => `cc:${clientId}`;

export class GrantNotFoundError extends DomainError {
  constructor() {
    super(AuthErrors.grantNotFound, ErrorKind.NotFound, 'You have not authorized this application');
  }
}

/**
 * What users allowed applications, and the end of it: a user revoking one application, or the
 * application being deleted, ends the grant and every token issued under it (refresh families,
 * access tokens with or without one, and for a deleted application its client-credentials
 * tokens). Each grant and revocation is published (`oauth.grant.created`, `.revoked`); a
 * revocation is also audited (`oauth.grants.revoked`, written with it: docs/audit.md).
 */
@Injectable()
export class GrantsService implements OnModuleInit {
  constructor(
    @InjectModel(Grant.name) private readonly grants: Model<Grant>,
    @InjectModel(AuthorizationCode.name) private readonly codes: Model<AuthorizationCode>,
    private readonly tokens: TokensService,
    private readonly clientSessions: ClientSessionsService,
    private readonly applications: ApplicationsClient,
    private readonly outbox: OutboxRelay,
  ) {}

  async onModuleInit(): Promise<void> {
    await this.grants.init();
    this.outbox.watch(this.grants);
  }

  /** Consent given: the scopes join the user's grant to the application, with `oauth.grant.created`. */
  async allow(userId: string, clientId: string, scopes: string[], requestId: string): Promise<void> {
    const existing = await this.grants.findOne({ userId, clientId }).lean<Grant>().exec();
    const all = [...new Set([...(existing?.revokedAt ? [] : (existing?.scopes ?? [])), ...scopes])];
    const event = outboxEvent(OAuthEvents.grantCreated, { userId, clientId, scopes: all }, requestId);
    // updateOne, not findOneAndUpdate: FerretDB cannot project (the outbox fields are unselected) in findAndModify
    await this.grants.updateOne({ userId, clientId }, pushOutbox(event, { scopes: all, revokedAt: null }), { upsert: true }).exec();
    const saved = await this.grants.findOne({ userId, clientId }).select('_id').lean<Pick<Grant, '_id'>>().exec();
    if (saved) await this.outbox.publishOrDefer(this.grants, saved._id);
  }

  async list(userId: string, metadata: RpcMetadata): Promise<GrantDto[]> {
    const live = await this.grants.find({ userId, revokedAt: null }).sort({ updatedAt: -1 }).lean<Grant[]>().exec();
    const items = await Promise.all(
      live
        .filter((grant) => grant.scopes.length > 0)
        .map(async (grant) => {
          const client = await this.applications.find(grant.clientId, metadata);
          return {
            clientId: grant.clientId,
            name: client?.name ?? '',
            homepageUrl: client?.homepageUrl ?? null,
            scopes: grant.scopes,
            createdAt: grant.createdAt.toISOString(),
            updatedAt: grant.updatedAt.toISOString(),
          };
        }),
    );
    return items;
  }

  /** The user takes back what they allowed an application: the grant and every token under it. */
  async revoke(userId: string, clientId: string, metadata: RpcMetadata): Promise<void> {
    if (!(await this.end(userId, clientId, 'revoked by user', metadata, userId))) throw new GrantNotFoundError();
    await this.revokeTokens({ userId, clientId });
  }

  /** The application was deleted: every grant, every token, client credentials included. */
  async revokeClient(clientId: string, requestId: string): Promise<void> {
    const live = await this.grants.find({ clientId, revokedAt: null }).select('userId').lean<{ userId: string }[]>().exec();
    // the platform ends them; the request id leads to whoever deleted the application
    for (const { userId } of live) await this.end(userId, clientId, 'application deleted', { requestId }, 'service:oauth');
    await this.revokeTokens({ clientId });
    await this.tokens.denySids([clientCredentialsSid(clientId)]);
  }

  private async end(
    userId: string,
    clientId: string,
    reason: GrantRevokedEvent['reason'],
    metadata: Pick<RpcMetadata, 'requestId' | 'client'>,
    actor: string,
  ): Promise<boolean> {
    const { requestId } = metadata;
    const event = outboxEvent(OAuthEvents.grantRevoked, { userId, clientId, reason }, requestId);
    const audited = auditEvent('oauth', auditRecord(metadata, { actor, action: 'oauth.grants.revoked', target: `application:${clientId}` }), requestId);
    const { modifiedCount } = await this.grants
      .updateOne({ userId, clientId, revokedAt: null }, changeWithEvents([event, audited], { scopes: [], revokedAt: event.occurredAt }))
      .exec();
    if (modifiedCount === 0) return false;
    const ended = await this.grants.findOne({ userId, clientId }).select('_id').lean<Pick<Grant, '_id'>>().exec();
    if (ended) await this.outbox.publishOrDefer(this.grants, ended._id);
    return true;
  }

  /** Refresh families, and the `sid`s of exchanges that had none (their codes are kept as long as those tokens live). */
  private async revokeTokens(filter: { clientId: string; userId?: string }): Promise<void> {
    await this.clientSessions.revokeClientSessions(filter, 'grant revoked');
    const exchanged = await this.codes.find({ ...filter, sessionId: { $ne: null } }).select('sessionId').lean<{ sessionId: string }[]>().exec();
    await this.tokens.denySids(exchanged.map((code) => code.sessionId));
  }
}
