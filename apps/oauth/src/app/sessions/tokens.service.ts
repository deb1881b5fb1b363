import { Injectable, Logger } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { ACCESS_TOKEN_TYPE, type AuthMethodReference, type SessionListDto, type TokenPairDto, type UserDto } from '@site11/contracts';
import { TokenDenylist } from '@site11/auth';
import { SignJWT } from 'jose';
import type { Model } from 'mongoose';
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { SIGNING_ALGORITHM, SigningKeysService } from '../keys/signing-keys.service';
import { ACCESS_TOKEN_TTL_MAX_SECONDS, OAuthConfig } from '../oauth.config';
import { BrowserSession } from '../oidc/oidc.schema';
import { RefreshToken, Session } from './session.schema';
import { InvalidRefreshTokenError, SessionNotFoundError } from './sessions.errors';

/** Tolerance the gateways allow on `exp`. */
const CLOCK_SKEW_SECONDS = 60;

export const hashOf = (token: string) => createHash('sha256').update(token).digest('hex');

/**
 * Issues access tokens (RS256 JWTs) and opaque refresh tokens. Refresh tokens are 256 random
 * bits, stored only as a hash, rotated on every use; a token used twice revokes its whole
 * session (RFC 9700 §4.14.2), and no session outlives REFRESH_TOKEN_TTL_SECONDS.
 */
@Injectable()
export class TokensService {
  private readonly logger = new Logger(TokensService.name);

  constructor(
    @InjectModel(Session.name) private readonly sessions: Model<Session>,
    @InjectModel(RefreshToken.name) private readonly refreshTokens: Model<RefreshToken>,
    @InjectModel(BrowserSession.name) private readonly browsers: Model<BrowserSession>,
    private readonly keys: SigningKeysService,
    private readonly config: OAuthConfig,
    private readonly denylist: TokenDenylist,
  ) {}

  /** Starts a session for a user whose credentials were just verified (`amr`: how; `otp` after a second factor). */
  async startSession(user: UserDto, client?: { ip: string; userAgent?: string }, amr: AuthMethodReference[] = ['pwd']): Promise<TokenPairDto> {
    const now = new Date();
    const session = await this.sessions.create({
      _id: randomUUID(),
      userId: user.id,
      createdAt: now,
      lastUsedAt: now,
      ip: client?.ip ?? null,
      userAgent: client?.userAgent ?? null,
      expiresAt: new Date(now.getTime() + this.config.REFRESH_TOKEN_TTL_SECONDS * 1000),
      revokedAt: null,
      revokedReason: null,
      amr,
    });
    return this.issue(user, session);
  }

  /**
   * Exchanges a refresh token for a new pair. `loadUser` reads the user's current roles, so a
   * role change takes effect at the next refresh.
   */
  async refresh(token: string, loadUser: (userId: string) => Promise<UserDto | null>): Promise<TokenPairDto> {
    const id = hashOf(token);
    const stored = await this.refreshTokens.findById(id).lean<RefreshToken>().exec();
    if (!stored) throw new InvalidRefreshTokenError();
    // an application's refresh token is for /oauth2/token, not the console's routes (and is not spent here)
    const owner = await this.sessions.findById(stored.sessionId).select('clientId').lean<Pick<Session, 'clientId'>>().exec();
    if (owner?.clientId) throw new InvalidRefreshTokenError();

    // Mark used in one atomic step: of two concurrent exchanges only one can win.
    const claimed = await this.refreshTokens.updateOne({ _id: id, usedAt: null }, { $set: { usedAt: new Date() } }).exec();
    if (claimed.modifiedCount !== 1) {
      await this.revokeSession(stored.sessionId, 'refresh token reused');
      this.logger.warn(`Refresh token reuse: session ${stored.sessionId} of user ${stored.userId} revoked`);
      throw new InvalidRefreshTokenError();
    }

    const session = await this.sessions.findById(stored.sessionId).lean<Session>().exec();
    if (!session || session.revokedAt || session.expiresAt.getTime() <= Date.now()) throw new InvalidRefreshTokenError();
    await this.sessions.updateOne({ _id: session._id }, { $set: { lastUsedAt: new Date() } }).exec();

    const user = await loadUser(session.userId);
    if (!user) {
      await this.revokeSession(session._id, 'user deleted');
      throw new InvalidRefreshTokenError();
    }
    return this.issue(user, session);
  }

  /** Access tokens carrying these `sid`s stop working (tokens of an exchange without a refresh family). */
  async denySids(sids: string[]): Promise<void> {
    await this.denySessions(sids);
  }

  /** Ends a session and every access token it was given (a replayed authorization code, say). */
  async revoke(sessionId: string, reason: string): Promise<void> {
    await this.revokeSession(sessionId, reason);
  }

  /** Ends a session; the refresh token, if given, ends its own session too. */
  async logout(sessionId: string, refreshToken?: string): Promise<void> {
    await this.revokeSession(sessionId, 'logout');
    if (!refreshToken) return;
    const stored = await this.refreshTokens.findById(hashOf(refreshToken)).lean<RefreshToken>().exec();
    if (stored && stored.sessionId !== sessionId) await this.revokeSession(stored.sessionId, 'logout');
  }

  /** The user's open sessions, most recently used first. */
  async listSessions(userId: string, currentSid: string): Promise<SessionListDto> {
    const open = await this.sessions
      // the console's and first-party logins; applications' show under Authorized apps
      .find({ userId, revokedAt: null, expiresAt: { $gt: new Date() }, clientId: null })
      .lean<Session[]>()
      .exec();
    const items = open.map((session) => ({
      id: session._id,
      createdAt: session.createdAt.toISOString(),
      lastUsedAt: (session.lastUsedAt ?? session.createdAt).toISOString(),
      ip: session.ip ?? null,
      userAgent: session.userAgent ?? null,
      current: session._id === currentSid,
    }));
    return { items: items.sort((a, b) => b.lastUsedAt.localeCompare(a.lastUsedAt)) };
  }

  /** Ends one of the user's own sessions; another user's (or an unknown) session is "not found". */
  async revokeOwnSession(userId: string, sessionId: string): Promise<void> {
    const owned = await this.sessions.exists({ _id: sessionId, userId, revokedAt: null, expiresAt: { $gt: new Date() } });
    if (!owned) throw new SessionNotFoundError();
    await this.revokeSession(sessionId, 'revoked by user');
  }

  /**
   * Ends every session of a user, and every access token those sessions were given. Idempotent,
   * so a redelivered event is harmless: sessions already revoked are denylisted again.
   */
  async revokeUserSessions(userId: string, reason: string, except?: string): Promise<void> {
    const others = except ? { _id: { $ne: except } } : {};
    const live = await this.sessions
      .find({ userId, expiresAt: { $gt: new Date() }, ...others })
      .select('_id')
      .lean<{ _id: string }[]>()
      .exec();
    await this.sessions
      .updateMany({ userId, revokedAt: null, ...others }, { $set: { revokedAt: new Date(), revokedReason: reason } })
      .exec();
    await this.denySessions(live.map((session) => session._id));
    // and the user's sign-ins at the authorization server: no new code from a cookie signed in before
    await this.browsers.deleteMany({ userId }).exec();
  }

  private async revokeSession(sessionId: string, reason: string): Promise<void> {
    await this.sessions
      .updateOne({ _id: sessionId, revokedAt: null }, { $set: { revokedAt: new Date(), revokedReason: reason } })
      .exec();
    await this.denySessions([sessionId]);
  }

  /** Access tokens already issued to these sessions stop working at every gateway at once. */
  private denySessions(sessionIds: string[]): Promise<void> {
    return this.denylist.denySessions(sessionIds, ACCESS_TOKEN_TTL_MAX_SECONDS + CLOCK_SKEW_SECONDS);
  }

  /** A new refresh token of the session's family (stored only as its hash). */
  async newRefreshToken(session: Session): Promise<string> {
    const refreshToken = randomBytes(32).toString('base64url');
    await this.refreshTokens.create({
      _id: hashOf(refreshToken),
      sessionId: session._id,
      userId: session.userId,
      createdAt: new Date(),
      expiresAt: session.expiresAt,
      usedAt: null,
    });
    return refreshToken;
  }

  private async issue(user: UserDto, session: Session): Promise<TokenPairDto> {
    const refreshToken = await this.newRefreshToken(session);
    const now = new Date();
    const { kid, privateKey } = await this.keys.current();
    // an access token never outlives its session
    const sessionLeft = Math.floor((session.expiresAt.getTime() - now.getTime()) / 1000);
    const expiresIn = Math.max(1, Math.min(this.config.ACCESS_TOKEN_TTL_SECONDS, sessionLeft));
    // iat and exp from one clock read: signing after an await must not shift one of them a second
    const issuedAt = Math.floor(now.getTime() / 1000);
    const amr = session.amr ?? ['pwd'];
    // MFA_REQUIRED_FOR_ADMINS: admin powers only for a session that signed in with a second factor
    const withheld = this.config.MFA_REQUIRED_FOR_ADMINS && !amr.includes('otp') && user.roles.includes('admin') ? (['admin'] as const) : [];
    const roles = user.roles.filter((role) => !(withheld as readonly string[]).includes(role));
    const accessToken = await new SignJWT({ roles, sid: session._id, amr, ...(withheld.length > 0 ? { withheldRoles: [...withheld] } : {}) })
      .setProtectedHeader({ alg: SIGNING_ALGORITHM, kid, typ: ACCESS_TOKEN_TYPE })
      .setIssuer(this.config.JWT_ISSUER)
      .setAudience(this.config.JWT_AUDIENCE)
      .setSubject(user.id)
      .setJti(randomUUID())
      .setIssuedAt(issuedAt)
      .setExpirationTime(issuedAt + expiresIn)
      .sign(privateKey);
    return { accessToken, refreshToken, tokenType: 'Bearer', expiresIn };
  }
}
