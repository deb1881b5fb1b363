import { Controller } from '@nestjs/common';
import { EventPattern, MessagePattern, Payload } from '@nestjs/microservices';
import { Caller, RpcAccess, type VerifiedActor } from '@site11/auth';
import {
  type ApplicationDto,
  ApplicationIdDto,
  ApplicationsPatterns,
  AuthenticateClientDto,
  type ClientSecretDto,
  CreateApplicationDto,
  FindClientDto,
  ListApplicationsQueryDto,
  type Page,
  type RegisteredApplicationDto,
  type RpcMetadata,
  type UserDeletedEvent,
  UpdateApplicationCommand,
  UsersEvents,
} from '@site11/contracts';
import { ApplicationsService } from './applications.service';

/**
 * Message handlers of applications: who may call what (`@RpcAccess`: a signed-in user, proved
 * by the access token the gateway forwards), then one use case each; whose application it is,
 * the service checks. Payloads are validated by the platform's global pipe.
 */
@Controller()
export class ApplicationsMessageController {
  constructor(private readonly applications: ApplicationsService) {}

  @MessagePattern(ApplicationsPatterns.create)
  @RpcAccess({ actor: 'user' })
  create(
    @Payload('data') dto: CreateApplicationDto,
    @Caller() actor: VerifiedActor,
    @Payload('metadata') metadata: RpcMetadata,
  ): Promise<RegisteredApplicationDto> {
    return this.applications.create(dto, actor, metadata.requestId);
  }

  /** The caller's own; everyone's (`scope=all`) or one user's (`ownerId`) for admins (checked in the service). */
  @MessagePattern(ApplicationsPatterns.list)
  @RpcAccess({ actor: 'user' })
  list(@Payload('data') query: ListApplicationsQueryDto, @Caller() actor: VerifiedActor): Promise<Page<ApplicationDto>> {
    return this.applications.list(query, actor);
  }

  /** Its owner or an admin (checked in the service: only it knows whose it is). */
  @MessagePattern(ApplicationsPatterns.findById)
  @RpcAccess({ actor: 'user' })
  findById(@Payload('data') { id }: ApplicationIdDto, @Caller() actor: VerifiedActor): Promise<ApplicationDto> {
    return this.applications.findById(id, actor);
  }

  @MessagePattern(ApplicationsPatterns.update)
  @RpcAccess({ actor: 'user' })
  update(
    @Payload('data') command: UpdateApplicationCommand,
    @Caller() actor: VerifiedActor,
    @Payload('metadata') metadata: RpcMetadata,
  ): Promise<ApplicationDto> {
    return this.applications.update(command, actor, metadata.requestId);
  }

  @MessagePattern(ApplicationsPatterns.remove)
  @RpcAccess({ actor: 'user' })
  async remove(
    @Payload('data') { id }: ApplicationIdDto,
    @Caller() actor: VerifiedActor,
    @Payload('metadata') metadata: RpcMetadata,
  ): Promise<null> {
    await this.applications.remove(id, actor, metadata.requestId);
    return null;
  }

  @MessagePattern(ApplicationsPatterns.rotateSecret)
  @RpcAccess({ actor: 'user' })
  rotateSecret(
    @Payload('data') { id }: ApplicationIdDto,
    @Caller() actor: VerifiedActor,
    @Payload('metadata') metadata: RpcMetadata,
  ): Promise<ClientSecretDto> {
    return this.applications.rotateSecret(id, actor, metadata);
  }

  /** The authorization server's questions about clients: no user is involved. */
  @MessagePattern(ApplicationsPatterns.findClient)
  @RpcAccess({ services: ['oauth'] })
  findClient(@Payload('data') { clientId }: FindClientDto): Promise<ApplicationDto> {
    return this.applications.findClient(clientId);
  }

  @MessagePattern(ApplicationsPatterns.authenticateClient)
  @RpcAccess({ services: ['oauth'] })
  authenticateClient(@Payload('data') { clientId, clientSecret }: AuthenticateClientDto): Promise<ApplicationDto> {
    return this.applications.authenticateClient(clientId, clientSecret);
  }

  /**
   * A deleted user's applications are removed with the account, even if this service was down
   * when it happened (see `ApplicationsService.removeOwnedBy`; a redelivery is harmless). The
   * service's Redis user may read users' events: `consumes: ["users"]` in tools/platform/services.json.
   */
  @EventPattern(UsersEvents.deleted)
  async onUserDeleted(@Payload('data') event: UserDeletedEvent, @Payload('metadata') metadata: RpcMetadata): Promise<void> {
    await this.applications.removeOwnedBy(event.id, metadata.requestId);
  }
}
