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
  ) {}

  @MessagePattern(OAuthPatterns.register)
  register(@Payload('data') dto: RegisterDto, @Payload('metadata') metadata: RpcMetadata): Promise<UserDto> {
    return this.rpc.send<UserDto>(UsersPatterns.create, dto, downstream(metadata, 'command'));
  }

  @MessagePattern(OAuthPatterns.login)
  async login(@Payload('data') dto: LoginDto, @Payload('metadata') metadata: RpcMetadata): Promise<TokenPairDto> {
    const user = await this.rpc.send<UserDto>(UsersPatterns.verifyCredentials, dto, downstream(metadata, 'read'));
    return this.tokens.startSession(user, metadata.client);
  }

  @MessagePattern(OAuthPatterns.refresh)
  refresh(@Payload('data') { refreshToken }: RefreshDto, @Payload('metadata') metadata: RpcMetadata): Promise<TokenPairDto> {
    return this.tokens.refresh(refreshToken, async (id) => {
      try {
        return await this.rpc.send<UserDto>(UsersPatterns.findById, { id }, downstream(metadata, 'read'));
      } catch (error) {
        if (error instanceof DomainError && error.code === UsersErrors.notFound) return null;
        throw error;
      }
    });
  }

  @MessagePattern(OAuthPatterns.logout)
  async logout(@Payload('data') { sid, refreshToken }: LogoutPayload): Promise<null> {
    await this.tokens.logout(sid, refreshToken);
    return null;
  }

  /** Every session of the caller ends, this one included. */
  @MessagePattern(OAuthPatterns.logoutAll)
  async logoutAll(@Payload('metadata') metadata: RpcMetadata): Promise<null> {
    await this.tokens.revokeUserSessions(callerOf(metadata), 'logout-all');
    return null;
  }

  /** The users service checks the current password and stores the new one; every other session ends. */
  @MessagePattern(OAuthPatterns.changePassword)
  async changePassword(@Payload('data') request: ChangePasswordRequest, @Payload('metadata') metadata: RpcMetadata): Promise<null> {
    const userId = callerOf(metadata);
    const { sid, ...passwords } = request;
    await this.rpc.send(UsersPatterns.changePassword, { id: userId, ...passwords }, { ...downstream(metadata, 'command'), actor: metadata.actor });
    await this.tokens.revokeUserSessions(userId, 'password changed', sid);
    return null;
  }

  @MessagePattern(OAuthPatterns.listSessions)
  listSessions(@Payload('data') { sid }: CurrentSessionPayload, @Payload('metadata') metadata: RpcMetadata): Promise<SessionListDto> {
    return this.tokens.listSessions(callerOf(metadata), sid);
  }

  @MessagePattern(OAuthPatterns.revokeSession)
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
  jwks(): Promise<JsonWebKeySet> {
    return this.keys.jwks();
  }

  @MessagePattern(OAuthPatterns.rotateKeys)
  async rotateKeys(): Promise<{ kid: string }> {
    return { kid: await this.keys.rotate() };
  }

  @MessagePattern(OAuthPatterns.withdrawKey)
  withdrawKey(@Payload('data') { kid }: SigningKeyIdDto): Promise<KeyWithdrawalDto> {
    return this.keys.withdraw(kid);
  }
}
