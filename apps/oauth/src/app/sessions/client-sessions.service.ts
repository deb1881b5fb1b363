import { Injectable, Logger } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import type { Model } from 'mongoose';
import { OAuthConfig } from '../oauth.config';
import { RefreshToken, Session } from './session.schema';
import { InvalidRefreshTokenError } from './sessions.errors';
import { hashOf, TokensService } from './tokens.service';

/**
 * The refresh-token families of third-party applications (OpenID Connect): a session per
 * authorization-code exchange, with its client and scopes, rotated like the console's (a token
 * used twice revokes its family), ended per application or per grant. Sign-in sessions, access
 * tokens and the denylist are TokensService's.
 */
@Injectable()
export class ClientSessionsService {
  private readonly logger = new Logger(ClientSessionsService.name);

  constructor(
    @InjectModel(Session.name) private readonly sessions: Model<Session>,
    @InjectModel(RefreshToken.name) private readonly refreshTokens: Model<RefreshToken>,
    private readonly tokens: TokensService,
    private readonly config: OAuthConfig,
  ) {}

  /**
   * A refresh-token family for a third-party application (authorization code exchange): a
   * session with its client and scopes, and its first refresh token.
   */
  async startClientSession(sessionId: string, userId: string, clientId: string, scopes: string[]): Promise<{ sessionId: string; refreshToken: string }> {
    const now = new Date();
    const session = await this.sessions.create({
      _id: sessionId,
      userId,
      clientId,
      scopes,
      createdAt: now,
      lastUsedAt: now,
      expiresAt: new Date(now.getTime() + this.config.REFRESH_TOKEN_TTL_SECONDS * 1000),
      revokedAt: null,
      revokedReason: null,
    });
    return { sessionId: session._id, refreshToken: await this.tokens.newRefreshToken(session) };
  }

  /**
   * Rotates a third-party application's refresh token: the session it belongs to and the next
   * token. A token of another client is refused without being spent; one used twice revokes
   * its whole family, as for the console.
   */
  async rotateClientRefreshToken(token: string, clientId: string): Promise<{ session: Session; refreshToken: string }> {
    const id = hashOf(token);
    const stored = await this.refreshTokens.findById(id).lean<RefreshToken>().exec();
    if (!stored) throw new InvalidRefreshTokenError();
    const owner = await this.sessions.findById(stored.sessionId).select('clientId').lean<Pick<Session, 'clientId'>>().exec();
    if (!owner || owner.clientId !== clientId) throw new InvalidRefreshTokenError();
    const claimed = await this.refreshTokens.updateOne({ _id: id, usedAt: null }, { $set: { usedAt: new Date() } }).exec();
    if (claimed.modifiedCount !== 1) {
      await this.tokens.revoke(stored.sessionId, 'refresh token reused');
      this.logger.warn(`Refresh token reuse: session ${stored.sessionId} of client ${clientId} revoked`);
      throw new InvalidRefreshTokenError();
    }
    const session = await this.sessions.findById(stored.sessionId).lean<Session>().exec();
    if (!session || session.revokedAt || session.expiresAt.getTime() <= Date.now()) throw new InvalidRefreshTokenError();
    await this.sessions.updateOne({ _id: session._id }, { $set: { lastUsedAt: new Date() } }).exec();
    return { session, refreshToken: await this.tokens.newRefreshToken(session) };
  }

  /**
   * Ends the refresh-token families of an application (one user's, or everyone's) and every
   * access token they were given; returns how many.
   */
  async revokeClientSessions(filter: { clientId: string; userId?: string }, reason: string): Promise<number> {
    const live = await this.sessions.find({ ...filter, revokedAt: null }).select('_id').lean<{ _id: string }[]>().exec();
    await this.sessions.updateMany({ ...filter, revokedAt: null }, { $set: { revokedAt: new Date(), revokedReason: reason } }).exec();
    await this.tokens.denySids(live.map((session) => session._id));
    return live.length;
  }

  /** The family a refresh token belongs to, for revocation and introspection (null when unknown). */
  async refreshTokenInfo(token: string): Promise<{ session: Session; used: boolean } | null> {
    const stored = await this.refreshTokens.findById(hashOf(token)).lean<RefreshToken>().exec();
    if (!stored) return null;
    const session = await this.sessions.findById(stored.sessionId).lean<Session>().exec();
    return session ? { session, used: stored.usedAt !== null } : null;
  }
}
