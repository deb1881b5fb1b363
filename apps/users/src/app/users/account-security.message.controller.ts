import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { Caller, RpcAccess, type VerifiedActor } from '@site11/auth';
import {
  DeleteSelfCommand,
  DisableTotpCommand,
  PasswordResetConfirmDto,
  type PasswordResetDone,
  PasswordResetRequestDto,
  type RecoveryCodesDto,
  type RpcMetadata,
  TotpCodeDto,
  type TotpSetupDto,
  UsersPatterns,
  VerifyEmailDto,
  VerifySecondFactorCommand,
} from '@site11/contracts';
import { AccountRecoveryService } from './account-recovery.service';
import { AccountsService } from './accounts.service';
import { CredentialsService } from './credentials.service';
import { type FactorUsed, MfaService } from './mfa.service';
import { InvalidMfaCodeError } from './users.errors';

/**
 * What keeps an account its owner's: email verification, password reset, TOTP two-factor
 * authentication, and deleting one's own account. Who may call each is declared; the account is
 * the verified caller's wherever one is signed in.
 */
@Controller()
export class AccountSecurityMessageController {
  constructor(
    private readonly recovery: AccountRecoveryService,
    private readonly mfa: MfaService,
    private readonly credentials: CredentialsService,
    private readonly accounts: AccountsService,
  ) {}

  @MessagePattern(UsersPatterns.verifyEmail)
  @RpcAccess({ anyone: true })
  async verifyEmail(@Payload('data') { token }: VerifyEmailDto, @Payload('metadata') metadata: RpcMetadata): Promise<null> {
    await this.recovery.verifyEmail(token, metadata);
    return null;
  }

  @MessagePattern(UsersPatterns.resendVerification)
  @RpcAccess({ anyone: true })
  async resendVerification(@Payload('data') { email }: PasswordResetRequestDto, @Payload('metadata') metadata: RpcMetadata): Promise<null> {
    await this.recovery.requestVerification(email, metadata.requestId);
    return null;
  }

  @MessagePattern(UsersPatterns.requestPasswordReset)
  @RpcAccess({ anyone: true })
  async requestPasswordReset(@Payload('data') { email }: PasswordResetRequestDto, @Payload('metadata') metadata: RpcMetadata): Promise<null> {
    await this.recovery.requestPasswordReset(email, metadata);
    return null;
  }

  /** The token authority sets the password, then ends the account's sessions. */
  @MessagePattern(UsersPatterns.resetPassword)
  @RpcAccess({ services: ['oauth'] })
  resetPassword(@Payload('data') { token, newPassword }: PasswordResetConfirmDto, @Payload('metadata') metadata: RpcMetadata): Promise<PasswordResetDone> {
    return this.recovery.resetPassword(token, newPassword, metadata);
  }

  @MessagePattern(UsersPatterns.totpSetup)
  @RpcAccess({ actor: 'user' })
  totpSetup(@Caller() actor: VerifiedActor): Promise<TotpSetupDto> {
    return this.mfa.setup(actor.sub);
  }

  @MessagePattern(UsersPatterns.totpConfirm)
  @RpcAccess({ actor: 'user' })
  totpConfirm(@Payload('data') { code }: TotpCodeDto, @Caller() actor: VerifiedActor, @Payload('metadata') metadata: RpcMetadata): Promise<RecoveryCodesDto> {
    return this.mfa.confirm(actor.sub, code, metadata);
  }

  @MessagePattern(UsersPatterns.totpDisable)
  @RpcAccess({ actor: 'user' })
  async totpDisable(@Payload('data') factor: DisableTotpCommand, @Caller() actor: VerifiedActor, @Payload('metadata') metadata: RpcMetadata): Promise<null> {
    await this.mfa.disable(actor.sub, factor, metadata);
    return null;
  }

  /** The second step of a sign-in, checked for the token authority; the factor is spent. */
  @MessagePattern(UsersPatterns.verifySecondFactor)
  @RpcAccess({ services: ['oauth'] })
  async verifySecondFactor(@Payload('data') { id, ...factor }: VerifySecondFactorCommand, @Payload('metadata') metadata: RpcMetadata): Promise<{ factor: FactorUsed }> {
    return { factor: await this.mfa.verify(id, factor, metadata) };
  }

  /**
   * The owner deletes the account, through the token authority (which ends the sessions at
   * once): the password, and with TOTP on a current code or a recovery code, prove it is them.
   */
  @MessagePattern(UsersPatterns.deleteSelf)
  @RpcAccess({ actor: 'self' })
  async deleteSelf(@Payload('data') { id, password, ...factor }: DeleteSelfCommand, @Payload('metadata') metadata: RpcMetadata): Promise<null> {
    const mfaEnabled = await this.credentials.check(id, password);
    if (mfaEnabled) {
      if (factor.code === undefined && factor.recoveryCode === undefined) throw new InvalidMfaCodeError();
      await this.mfa.verify(id, factor, metadata);
    }
    await this.accounts.remove(id, metadata, { actor: id, action: 'auth.account.deleted' });
    return null;
  }
}
