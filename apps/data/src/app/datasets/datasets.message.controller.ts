import { Controller } from '@nestjs/common';
import { EventPattern, MessagePattern, Payload } from '@nestjs/microservices';
import { Caller, RpcAccess, type VerifiedActor } from '@site11/auth';
import {
  CreateDatasetDto,
  ListDatasetsQueryDto,
  type Page,
  type DatasetDto,
  DatasetIdDto,
  DatasetsPatterns,
  type RpcMetadata,
  UpdateDatasetCommand,
  type UserDeletedEvent,
  UsersEvents,
} from '@site11/contracts';
import { DatasetsService } from './datasets.service';

/**
 * Message handlers of datasets: who may call what (`@RpcAccess`: a signed-in user, proved
 * by the access token the gateway forwards), then one use case each; whose dataset it is,
 * the service checks. Payloads are validated by the platform's global pipe.
 */
@Controller()
export class DatasetsMessageController {
  constructor(private readonly datasets: DatasetsService) {}

  @MessagePattern(DatasetsPatterns.create)
  @RpcAccess({ actor: 'user' })
  create(
    @Payload('data') dto: CreateDatasetDto,
    @Caller() actor: VerifiedActor,
    @Payload('metadata') metadata: RpcMetadata,
  ): Promise<DatasetDto> {
    return this.datasets.create(dto, actor, metadata.requestId);
  }

  /** The caller's own; everyone's (`scope=all`) or one user's (`ownerId`) for admins (checked in the service). */
  @MessagePattern(DatasetsPatterns.list)
  @RpcAccess({ actor: 'user' })
  list(@Payload('data') query: ListDatasetsQueryDto, @Caller() actor: VerifiedActor): Promise<Page<DatasetDto>> {
    return this.datasets.list(query, actor);
  }

  /** Its owner or an admin (checked in the service: only it knows whose it is). */
  @MessagePattern(DatasetsPatterns.findById)
  @RpcAccess({ actor: 'user' })
  findById(@Payload('data') { id }: DatasetIdDto, @Caller() actor: VerifiedActor): Promise<DatasetDto> {
    return this.datasets.findById(id, actor);
  }

  @MessagePattern(DatasetsPatterns.update)
  @RpcAccess({ actor: 'user' })
  update(
    @Payload('data') command: UpdateDatasetCommand,
    @Caller() actor: VerifiedActor,
    @Payload('metadata') metadata: RpcMetadata,
  ): Promise<DatasetDto> {
    return this.datasets.update(command, actor, metadata.requestId);
  }

  @MessagePattern(DatasetsPatterns.remove)
  @RpcAccess({ actor: 'user' })
  async remove(
    @Payload('data') { id }: DatasetIdDto,
    @Caller() actor: VerifiedActor,
    @Payload('metadata') metadata: RpcMetadata,
  ): Promise<null> {
    await this.datasets.remove(id, actor, metadata.requestId);
    return null;
  }

  /**
   * A deleted user's datasets are removed with the account, even if this service was down
   * when it happened (see `DatasetsService.removeOwnedBy`; a redelivery is harmless). The
   * service's Redis user may read users' events: `consumes: ["users"]` in tools/platform/services.json.
   */
  @EventPattern(UsersEvents.deleted)
  async onUserDeleted(@Payload('data') event: UserDeletedEvent, @Payload('metadata') metadata: RpcMetadata): Promise<void> {
    await this.datasets.removeOwnedBy(event.id, metadata.requestId);
  }
}
