import { Controller } from '@nestjs/common';
import { EventPattern, MessagePattern, Payload } from '@nestjs/microservices';
import { Caller, forbidden, RpcAccess, TokenDenylist, type VerifiedActor } from '@site11/auth';
import {
  AuthErrors,
  DomainError,
  ErrorKind,
  LoginDto,
  LoginMfaDto,
  ListSessionsCommand,
  type MfaChallengeDto,
  LogoutCommand,
  OAuthPatterns,
  RefreshDto,
  type RpcMetadata,
  SessionIdDto,
  type SessionListDto,
  type TokenPairDto,
  type UserDeletedEvent,
  type UserPasswordChangedEvent,
  type UserDto,
  type UserRolesChangedEvent,
  UsersEvents,
} from '@site11/contracts';
import { OAuthConfig } from '../oauth.config';
import { UsersClient } from '../users/users.client';
import { MfaChallenges } from './mfa-challenges';
import { SignIns } from './sign-ins';
import { TokensService } from './tokens.service';

/**
 * Sessions: started by a login, renewed by refresh-token rotation, listed and ended by their
 * user, and ended by the platform when the account loses roles or is deleted. The user a session
 * command is for is always the verified caller, never a field of the payload.
 */
@Controller()
export class SessionsMessageController {
  constructor(
    private readonly users: UsersClient,
    private readonly tokens: TokensService,
    private readonly denylist: TokenDenylist,
    private readonly signIns: SignIns,
    private readonly challenges: MfaChallenges,
    private readonly config: OAuthConfig,
  ) {}

  /**
   * The password checked by the users service; then, for an account with TOTP, a challenge to
   * finish with `oauth.login-mfa`, else a session. With REQUIRE_VERIFIED_EMAIL an unverified
   * account is refused after its password (403 AUTH.EMAIL_NOT_VERIFIED).
   */
  @MessagePattern(OAuthPatterns.login)
  @RpcAccess({ anyone: true })
  async login(@Payload('data') dto: LoginDto, @Payload('metadata') metadata: RpcMetadata): Promise<TokenPairDto | MfaChallengeDto> {
    const user = await this.users.verifyCredentials(dto, metadata).catch(async (error: unknown) => {
      if (error instanceof DomainError && error.code === AuthErrors.invalidCredentials) await this.signIns.failed('password', metadata);
      throw error;
    });
    assertMaySignIn(user, this.config);
    if (user.mfaEnabled) return this.challenges.open(user);
    const tokens = await this.tokens.startSession(user, metadata.client);
    await this.signIns.succeeded(user.id, 'password', metadata);
    return tokens;
  }

  /** The second step of a login: a TOTP or recovery code for the challenge's account. */
  @MessagePattern(OAuthPatterns.loginMfa)
  @RpcAccess({ anyone: true })
  async loginMfa(@Payload('data') { mfaToken, ...factor }: LoginMfaDto, @Payload('metadata') metadata: RpcMetadata): Promise<TokenPairDto> {
    const user = await this.challenges.complete(mfaToken, factor, metadata);
    const tokens = await this.tokens.startSession(user, metadata.client, ['pwd', 'otp']);
    await this.signIns.succeeded(user.id, 'password', metadata);
    return tokens;
  }

  @MessagePattern(OAuthPatterns.refresh)
  @RpcAccess({ anyone: true })
  refresh(@Payload('data') { refreshToken }: RefreshDto, @Payload('metadata') metadata: RpcMetadata): Promise<TokenPairDto> {
    return this.tokens.refresh(refreshToken, (id) => this.users.find(id, metadata));
  }

  /** Ends the session the caller's own access token belongs to, and no other. */
  @MessagePattern(OAuthPatterns.logout)
  @RpcAccess({ actor: 'user' })
  async logout(@Payload('data') { sid, refreshToken }: LogoutCommand, @Caller() actor: VerifiedActor): Promise<null> {
    if (actor.sid !== sid) throw forbidden('You may only end your own session');
    await this.tokens.logout(sid, refreshToken);
    // the presented token by its jti too, for exactly as long as it could be used
    if (actor.jti && actor.exp) await this.denylist.deny(actor.jti, sid, actor.exp);
    return null;
  }

  /** Every session of the caller ends, this one included. */
  @MessagePattern(OAuthPatterns.logoutAll)
  @RpcAccess({ actor: 'user' })
  async logoutAll(@Caller() actor: VerifiedActor): Promise<null> {
    await this.tokens.revokeUserSessions(actor.sub, 'logout-all');
    return null;
  }

  @MessagePattern(OAuthPatterns.listSessions)
  @RpcAccess({ actor: 'user' })
  listSessions(@Payload('data') { sid }: ListSessionsCommand, @Caller() actor: VerifiedActor): Promise<SessionListDto> {
    return this.tokens.listSessions(actor.sub, sid);
  }

  @MessagePattern(OAuthPatterns.revokeSession)
  @RpcAccess({ actor: 'user' })
  async revokeSession(@Payload('data') { id }: SessionIdDto, @Caller() actor: VerifiedActor): Promise<null> {
    await this.tokens.revokeOwnSession(actor.sub, id);
    return null;
  }

  /**
   * Tokens carry roles: after a demotion the user's sessions end. A promotion keeps them (the new
   * role arrives with the next refreshed token). The release before `removed` existed sent
   * `{ id, roles }` and ended the sessions on every change: without `removed` nothing says the
   * change was only a promotion, so they end, as they did then (docs/messaging.md, Compatibility).
   */
  @EventPattern(UsersEvents.rolesChanged)
  async onUserRolesChanged(@Payload('data') event: UserRolesChangedEvent): Promise<void> {
    if (event.removed === undefined || event.removed.length > 0) await this.tokens.revokeUserSessions(event.id, 'roles removed');
  }

  /**
   * A password set from a reset link ends every session of the account. The reset's own call
   * does it at once (accounts.message.controller.ts); this makes it certain, from the outbox, when
   * that call died or timed out after the password was stored.
   */
  @EventPattern(UsersEvents.passwordChanged)
  async onPasswordChanged(@Payload('data') event: UserPasswordChangedEvent): Promise<void> {
    if (event.via === 'reset') await this.tokens.revokeUserSessions(event.id, 'password reset');
  }

  /** A deleted user's sessions end with the account, even if oauth was down when it happened. */
  @EventPattern(UsersEvents.deleted)
  async onUserDeleted(@Payload('data') event: UserDeletedEvent): Promise<void> {
    await this.tokens.revokeUserSessions(event.id, 'user deleted');
  }
}

/** REQUIRE_VERIFIED_EMAIL: an account signs in only once its address is proved. */
export function assertMaySignIn(user: UserDto, config: OAuthConfig): void {
  if (config.REQUIRE_VERIFIED_EMAIL && !user.emailVerified) {
    throw new DomainError(AuthErrors.emailNotVerified, ErrorKind.PermissionDenied, 'Verify your email address first: follow the link we sent you, or ask for a new one');
  }
}
