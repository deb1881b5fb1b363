import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import {
  ChangePasswordCommand,
  CreateUserDto,
  ListUsersQueryDto,
  type Page,
  type RpcMetadata,
  scopedIdempotencyKey,
  UpdateUserCommand,
  type UserDto,
  UserIdDto,
  UsersPatterns,
  VerifyCredentialsDto,
} from '@site11/contracts';
import { Caller, forbidden, RpcAccess, type VerifiedActor } from '@site11/auth';
import { commandIdentity } from '@site11/messaging';
import { AccountsService } from './accounts.service';
import { CredentialsService } from './credentials.service';
import { DirectoryService } from './directory.service';

/**
 * Message handlers of the users service: who may call what (`@RpcAccess`), then one use case
 * each. Payloads are validated by the platform's global pipe.
 */
@Controller()
export class UsersMessageController {
  constructor(
    private readonly accounts: AccountsService,
    private readonly credentials: CredentialsService,
    private readonly directory: DirectoryService,
  ) {}

  /**
   * Registration (oauth, as itself) or an admin. The created user keeps its command's key,
   * scoped like the transport's records, so a rerun finds it.
   */
  @MessagePattern(UsersPatterns.create)
  @RpcAccess({ services: ['oauth'], actor: 'admin' })
  create(@Payload('data') dto: CreateUserDto, @Payload('metadata') metadata: RpcMetadata): Promise<UserDto> {
    const identity = commandIdentity(metadata);
    return this.accounts.create(dto, {
      ...(identity ? { idempotencyKey: scopedIdempotencyKey(identity) } : {}),
      requestId: metadata.requestId,
    });
  }

  @MessagePattern(UsersPatterns.list)
  @RpcAccess({ actor: 'admin' })
  list(@Payload('data') query: ListUsersQueryDto): Promise<Page<UserDto>> {
    return this.directory.list(query);
  }

  /** The account's owner or an admin; oauth reads the account when it refreshes a session. */
  @MessagePattern(UsersPatterns.findById)
  @RpcAccess({ services: ['oauth'], actor: 'self-or-admin' })
  findById(@Payload('data') { id }: UserIdDto): Promise<UserDto> {
    return this.accounts.findById(id);
  }

  /** The owner or an admin; roles only by an admin (checked in the service). */
  @MessagePattern(UsersPatterns.update)
  @RpcAccess({ actor: 'self-or-admin' })
  update(@Payload('data') command: UpdateUserCommand, @Payload('metadata') metadata: RpcMetadata): Promise<UserDto> {
    return this.accounts.update(command, metadata.actor, metadata);
  }

  /** Only the token authority checks passwords, behind the gateway's login rate limits. */
  @MessagePattern(UsersPatterns.verifyCredentials)
  @RpcAccess({ services: ['oauth'] })
  verifyCredentials(@Payload('data') credentials: VerifyCredentialsDto): Promise<UserDto> {
    return this.credentials.verify(credentials);
  }

  @MessagePattern(UsersPatterns.changePassword)
  @RpcAccess({ actor: 'self' })
  async changePassword(
    @Payload('data') command: ChangePasswordCommand,
    @Caller() actor: VerifiedActor,
    @Payload('metadata') metadata: RpcMetadata,
  ): Promise<null> {
    // only the account's owner changes its password, and only by proving the current one
    if (actor.sub !== command.id) throw forbidden('You may only change your own password');
    await this.credentials.change(command.id, command.currentPassword, command.newPassword, metadata);
    return null;
  }

  @MessagePattern(UsersPatterns.remove)
  @RpcAccess({ actor: 'admin' })
  async remove(@Payload('data') { id }: UserIdDto, @Payload('metadata') metadata: RpcMetadata): Promise<null> {
    await this.accounts.remove(id, metadata, { actor: metadata.actor?.sub ?? null, action: 'users.deleted' });
    return null;
  }
}
