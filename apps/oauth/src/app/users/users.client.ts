import { Injectable } from '@nestjs/common';
import {
  type ChangePasswordCommand,
  type CreateUserDto,
  type DeleteSelfCommand,
  DomainError,
  type PasswordResetConfirmDto,
  type PasswordResetDone,
  type VerifySecondFactorCommand,
  type RpcMetadata,
  type UserDto,
  UsersErrors,
  UsersPatterns,
  type VerifyCredentialsDto,
} from '@site11/contracts';
import { callOptionsFrom, RpcClient } from '@site11/messaging';
import { ServiceTokensService } from '../keys/service-tokens.service';

/**
 * The users service as the token authority calls it: as itself (a service token addressed to
 * users), on behalf of the message it handles (request id, what is left of its deadline, and
 * for commands its idempotency key), except a password change, made with the user's own token.
 */
@Injectable()
export class UsersClient {
  constructor(
    private readonly rpc: RpcClient,
    private readonly serviceTokens: ServiceTokensService,
  ) {}

  async create(dto: CreateUserDto, metadata: RpcMetadata): Promise<UserDto> {
    return this.rpc.send<UserDto>(UsersPatterns.create, dto, await this.asOauth(metadata, 'command'));
  }

  async verifyCredentials(credentials: VerifyCredentialsDto, metadata: RpcMetadata): Promise<UserDto> {
    return this.rpc.send<UserDto>(UsersPatterns.verifyCredentials, credentials, await this.asOauth(metadata, 'read'));
  }

  /** The account, or null when it no longer exists. */
  async find(id: string, metadata: RpcMetadata): Promise<UserDto | null> {
    try {
      return await this.rpc.send<UserDto>(UsersPatterns.findById, { id }, await this.asOauth(metadata, 'read'));
    } catch (error) {
      if (error instanceof DomainError && error.code === UsersErrors.notFound) return null;
      throw error;
    }
  }

  /** On the user's behalf: the users service checks their own token (the actor scopes the idempotency key). */
  async changePassword(command: ChangePasswordCommand, metadata: RpcMetadata): Promise<void> {
    await this.rpc.send(UsersPatterns.changePassword, command, this.asUser(metadata));
  }

  /** Checks and spends the second factor of a sign-in. */
  async verifySecondFactor(command: VerifySecondFactorCommand, metadata: RpcMetadata): Promise<void> {
    await this.rpc.send(UsersPatterns.verifySecondFactor, command, await this.asOauth(metadata, 'command'));
  }

  async resetPassword(dto: PasswordResetConfirmDto, metadata: RpcMetadata): Promise<PasswordResetDone> {
    return this.rpc.send<PasswordResetDone>(UsersPatterns.resetPassword, dto, await this.asOauth(metadata, 'command'));
  }

  /** On the user's behalf, with their own token: only the account's owner deletes it this way. */
  async deleteSelf(command: DeleteSelfCommand, metadata: RpcMetadata): Promise<void> {
    await this.rpc.send(UsersPatterns.deleteSelf, command, this.asUser(metadata));
  }

  private asUser(metadata: RpcMetadata) {
    return { ...callOptionsFrom(metadata, 'command'), credential: metadata.credential, actor: metadata.actor };
  }

  private async asOauth(metadata: RpcMetadata, kind: 'read' | 'command') {
    return { ...callOptionsFrom(metadata, kind), credential: await this.serviceTokens.tokenFor('users') };
  }
}
