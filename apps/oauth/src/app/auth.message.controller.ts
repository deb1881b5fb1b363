import { Controller } from '@nestjs/common';
import { EventPattern, MessagePattern, Payload } from '@nestjs/microservices';
import {
  DomainError,
  type JsonWebKeySet,
  LoginDto,
  type LogoutCommand,
  OAuthPatterns,
  RefreshDto,
  REFRESH_TOKEN_PATTERN,
  RegisterDto,
  type RpcMetadata,
  SessionIdDto,
  SigningKeyIdDto,
  type KeyWithdrawalDto,
  ChangePasswordRequest,
  type SessionListDto,
  AuthErrors,
  ErrorKind,
  type TokenPairDto,
  type UserDeletedEvent,
  type UserRolesChangedEvent,
  type UserDto,
  UsersErrors,
  UsersEvents,
  UsersPatterns,
} from '@site11/contracts';
import { forbidden, RpcAccess, TokenDenylist, type VerifiedActor } from '@site11/auth';
import { type CallOptions, platformClock, RpcClient } from '@site11/messaging';
import { IsOptional, IsUUID, Matches } from 'class-validator';
import { SigningKeysService } from './keys/signing-keys.service';
import { TokensService } from './tokens/tokens.service';

class LogoutPayload implements LogoutCommand {
  @IsUUID()
  sid!: string;

  @IsOptional()
  @Matches(REFRESH_TOKEN_PATTERN)
  refreshToken?: string;
}

class CurrentSessionPayload {
  @IsUUID()
  sid!: string;
}

/** The user a session command is for: always the authenticated caller, never a field of the payload. */
function callerOf(metadata: RpcMetadata): string {
  if (!metadata.actor?.sub) throw new DomainError(AuthErrors.unauthenticated, ErrorKind.Unauthenticated, 'No authenticated caller');
  return metadata.actor.sub;
}

/** Calls the oauth service makes to others carry the caller's request id and what is left of its deadline. */
function downstream(metadata: RpcMetadata, kind: 'read' | 'command'): CallOptions {
  return {
    requestId: metadata.requestId,
    deadlineMs: Math.max(50, metadata.deadline - platformClock.now()),
    ...(kind === 'read' ? { idempotent: true } : {}),
    ...(kind === 'command' && metadata.idempotencyKey
      ? { idempotencyKey: metadata.idempotencyKey, idempotencyOrigin: metadata.idempotencyOrigin }
      : {}),
  };
}

/**
 * The token authority. Credentials live in the users service (one document per account, so
 * registration is a single atomic insert); this service issues, rotates and revokes tokens.
 */
@Controller()
export class AuthMessageController {
  constructor(
    private readonly rpc: RpcClient,
    private readonly tokens: TokensService,
    private readonly keys: SigningKeysService,
    private readonly denylist: TokenDenylist,
  ) {}

  /** Calls to the users service this app makes as itself carry its service token. */
  private async asOauth(metadata: RpcMetadata, kind: 'read' | 'command'): Promise<CallOptions> {
    return { ...downstream(metadata, kind), credential: await this.keys.serviceToken('users') };
  }

  @MessagePattern(OAuthPatterns.register)
  @RpcAccess({ anyone: true })
  async register(@Payload('data') dto: RegisterDto, @Payload('metadata') metadata: RpcMetadata): Promise<UserDto> {
    return this.rpc.send<UserDto>(UsersPatterns.create, dto, await this.asOauth(metadata, 'command'));
  }

  @MessagePattern(OAuthPatterns.login)
  @RpcAccess({ anyone: true })
  async login(@Payload('data') dto: LoginDto, @Payload('metadata') metadata: RpcMetadata): Promise<TokenPairDto> {
    const user = await this.rpc.send<UserDto>(UsersPatterns.verifyCredentials, dto, await this.asOauth(metadata, 'read'));
    return this.tokens.startSession(user, metadata.client);
  }

  @MessagePattern(OAuthPatterns.refresh)
  @RpcAccess({ anyone: true })
  refresh(@Payload('data') { refreshToken }: RefreshDto, @Payload('metadata') metadata: RpcMetadata): Promise<TokenPairDto> {
    return this.tokens.refresh(refreshToken, async (id) => {
      try {
        return await this.rpc.send<UserDto>(UsersPatterns.findById, { id }, await this.asOauth(metadata, 'read'));
      } catch (error) {
        if (error instanceof DomainError && error.code === UsersErrors.notFound) return null;
        throw error;
      }
    });
  }

  /** Ends the session the caller's own access token belongs to, and no other. */
  @MessagePattern(OAuthPatterns.logout)
  @RpcAccess({ actor: 'user' })
  async logout(@Payload('data') { sid, refreshToken }: LogoutPayload, @Payload('metadata') metadata: RpcMetadata): Promise<null> {
    const actor = metadata.actor as VerifiedActor | undefined;
    if (actor?.sid !== sid) throw forbidden('You may only end your own session');
    await this.tokens.logout(sid, refreshToken);
    // the presented token by its jti too, for exactly as long as it could be used
    if (actor.jti && actor.exp) await this.denylist.deny(actor.jti, sid, actor.exp);
    return null;
  }

  /** Every session of the caller ends, this one included. */
  @MessagePattern(OAuthPatterns.logoutAll)
  @RpcAccess({ actor: 'user' })
  async logoutAll(@Payload('metadata') metadata: RpcMetadata): Promise<null> {
    await this.tokens.revokeUserSessions(callerOf(metadata), 'logout-all');
    return null;
  }

  /** The users service checks the current password and stores the new one; every other session ends. */
  @MessagePattern(OAuthPatterns.changePassword)
  @RpcAccess({ actor: 'user' })
  async changePassword(@Payload('data') request: ChangePasswordRequest, @Payload('metadata') metadata: RpcMetadata): Promise<null> {
    const userId = callerOf(metadata);
    const { sid, ...passwords } = request;
    await this.rpc.send(UsersPatterns.changePassword, { id: userId, ...passwords }, {
      ...downstream(metadata, 'command'),
      // on the user's behalf: the users service checks their own token (the actor scopes the idempotency key)
      credential: metadata.credential,
      actor: metadata.actor,
    });
    await this.tokens.revokeUserSessions(userId, 'password changed', sid);
    return null;
  }

  @MessagePattern(OAuthPatterns.listSessions)
  @RpcAccess({ actor: 'user' })
  listSessions(@Payload('data') { sid }: CurrentSessionPayload, @Payload('metadata') metadata: RpcMetadata): Promise<SessionListDto> {
    return this.tokens.listSessions(callerOf(metadata), sid);
  }

  @MessagePattern(OAuthPatterns.revokeSession)
  @RpcAccess({ actor: 'user' })
  async revokeSession(@Payload('data') { id }: SessionIdDto, @Payload('metadata') metadata: RpcMetadata): Promise<null> {
    await this.tokens.revokeOwnSession(callerOf(metadata), id);
    return null;
  }

  /**
   * Tokens carry roles: after a demotion the user's sessions end. A promotion keeps them (the new
   * role arrives with the next refreshed token).
   */
  @EventPattern(UsersEvents.rolesChanged)
  async onUserRolesChanged(@Payload('data') event: UserRolesChangedEvent): Promise<void> {
    if (event.removed?.length) await this.tokens.revokeUserSessions(event.id, 'roles removed');
  }

  /** A deleted user's sessions end with the account, even if oauth was down when it happened. */
  @EventPattern(UsersEvents.deleted)
  async onUserDeleted(@Payload('data') event: UserDeletedEvent): Promise<void> {
    await this.tokens.revokeUserSessions(event.id, 'user deleted');
  }

  @MessagePattern(OAuthPatterns.jwks)
  @RpcAccess({ anyone: true })
  jwks(): Promise<JsonWebKeySet> {
    return this.keys.jwks();
  }

  @MessagePattern(OAuthPatterns.rotateKeys)
  @RpcAccess({ actor: 'admin' })
  async rotateKeys(): Promise<{ kid: string }> {
    return { kid: await this.keys.rotate() };
  }

  @MessagePattern(OAuthPatterns.withdrawKey)
  @RpcAccess({ actor: 'admin' })
  withdrawKey(@Payload('data') { kid }: SigningKeyIdDto): Promise<KeyWithdrawalDto> {
    return this.keys.withdraw(kid);
  }
}
