import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { Caller, RpcAccess, type VerifiedActor } from '@site11/auth';
import { ChangePasswordRequest, DeleteAccountDto, OAuthPatterns, PasswordResetConfirmDto, RegisterDto, type RpcMetadata, type UserDto } from '@site11/contracts';
import { TokensService } from '../sessions/tokens.service';
import { UsersClient } from '../users/users.client';

/**
 * Account commands that pass through the token authority: credentials live in the users service
 * (one document per account, so registration is a single atomic insert); this service decides
 * what happens to sessions when they change.
 */
@Controller()
export class AccountsMessageController {
  constructor(
    private readonly users: UsersClient,
    private readonly tokens: TokensService,
  ) {}

  @MessagePattern(OAuthPatterns.register)
  @RpcAccess({ anyone: true })
  register(@Payload('data') dto: RegisterDto, @Payload('metadata') metadata: RpcMetadata): Promise<UserDto> {
    return this.users.create(dto, metadata);
  }

  /** The users service checks the current password and stores the new one; every other session ends. */
  @MessagePattern(OAuthPatterns.changePassword)
  @RpcAccess({ actor: 'user' })
  async changePassword(
    @Payload('data') { sid, ...passwords }: ChangePasswordRequest,
    @Payload('metadata') metadata: RpcMetadata,
    @Caller() actor: VerifiedActor,
  ): Promise<null> {
    await this.users.changePassword({ id: actor.sub, ...passwords }, metadata);
    await this.tokens.revokeUserSessions(actor.sub, 'password changed', sid);
    return null;
  }

  /** A password from a reset link: every session of the account ends, wherever it was opened. */
  @MessagePattern(OAuthPatterns.confirmPasswordReset)
  @RpcAccess({ anyone: true })
  async confirmPasswordReset(@Payload('data') dto: PasswordResetConfirmDto, @Payload('metadata') metadata: RpcMetadata): Promise<null> {
    const { userId } = await this.users.resetPassword(dto, metadata);
    await this.tokens.revokeUserSessions(userId, 'password reset');
    return null;
  }

  /**
   * The owner deletes their account (the users service checks password and second factor); its
   * sessions end now, not when `users.deleted` reaches this service.
   */
  @MessagePattern(OAuthPatterns.deleteAccount)
  @RpcAccess({ actor: 'user' })
  async deleteAccount(@Payload('data') dto: DeleteAccountDto, @Payload('metadata') metadata: RpcMetadata, @Caller() actor: VerifiedActor): Promise<null> {
    await this.users.deleteSelf({ id: actor.sub, ...dto }, metadata);
    await this.tokens.revokeUserSessions(actor.sub, 'account deleted');
    return null;
  }
}
