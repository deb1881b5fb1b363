import { Controller } from '@nestjs/common';
import { EventPattern, MessagePattern, Payload } from '@nestjs/microservices';
import { Caller, forbidden, RpcAccess, type VerifiedActor } from '@site11/auth';
import {
  type ImageDto,
  ImageIdDto,
  ImagesPatterns,
  type ImageStatsDto,
  type ImageSweepResultDto,
  type ImageUsageDto,
  ImageUsageQueryDto,
  isAdmin,
  ListImagesQueryDto,
  type Page,
  type RpcMetadata,
  UpdateImageCommand,
  type UserDeletedEvent,
  UsersEvents,
} from '@site11/contracts';
import { DeletedOwners } from './deleted-owners';
import { ImagesService } from './images.service';
import { OrphanSweeper } from './orphan-sweeper';
import { UsageService } from './usage.service';

/**
 * Message handlers of images: who may call what (`@RpcAccess`: a signed-in user, proved by the
 * access token the gateway forwards), then one use case each; whose image it is, the service
 * checks. Uploads and bytes do not come this way: see ImageBytesHttpController.
 */
@Controller()
export class ImagesMessageController {
  constructor(
    private readonly images: ImagesService,
    private readonly usage: UsageService,
    private readonly sweeper: OrphanSweeper,
    private readonly owners: DeletedOwners,
  ) {}

  /** The caller's own; everyone's (`scope=all`) or one user's (`ownerId`) for admins (checked in the service). */
  @MessagePattern(ImagesPatterns.list)
  @RpcAccess({ actor: 'user' })
  list(@Payload('data') query: ListImagesQueryDto, @Caller() actor: VerifiedActor): Promise<Page<ImageDto>> {
    return this.images.list(query, actor);
  }

  /** Its owner or an admin (checked in the service: only it knows whose it is). */
  @MessagePattern(ImagesPatterns.findById)
  @RpcAccess({ actor: 'user' })
  findById(@Payload('data') { id }: ImageIdDto, @Caller() actor: VerifiedActor): Promise<ImageDto> {
    return this.images.findById(id, actor);
  }

  @MessagePattern(ImagesPatterns.update)
  @RpcAccess({ actor: 'user' })
  update(@Payload('data') command: UpdateImageCommand, @Caller() actor: VerifiedActor, @Payload('metadata') metadata: RpcMetadata): Promise<ImageDto> {
    return this.images.update(command, actor, metadata.requestId);
  }

  @MessagePattern(ImagesPatterns.remove)
  @RpcAccess({ actor: 'user' })
  async remove(@Payload('data') { id }: ImageIdDto, @Caller() actor: VerifiedActor, @Payload('metadata') metadata: RpcMetadata): Promise<null> {
    await this.images.remove(id, actor, metadata.requestId);
    return null;
  }

  /** The caller's usage against the quota; another user's (`ownerId`) for admins. */
  @MessagePattern(ImagesPatterns.usage)
  @RpcAccess({ actor: 'user' })
  usageOf(@Payload('data') { ownerId }: ImageUsageQueryDto, @Caller() actor: VerifiedActor): Promise<ImageUsageDto> {
    if (ownerId !== undefined && ownerId !== actor.sub && !isAdmin(actor)) throw forbidden('Only an admin can read other users’ usage');
    return this.usage.of(ownerId ?? actor.sub);
  }

  @MessagePattern(ImagesPatterns.stats)
  @RpcAccess({ actor: 'admin' })
  stats(): Promise<ImageStatsDto> {
    return this.usage.stats();
  }

  @MessagePattern(ImagesPatterns.sweepOrphans)
  @RpcAccess({ actor: 'admin' })
  sweepOrphans(): Promise<ImageSweepResultDto> {
    return this.sweeper.sweep();
  }

  /**
   * A deleted user's images are deleted with the account, even if this service was down when it
   * happened, and so is one whose upload ends after it (see `DeletedOwners`; a redelivery is harmless). The service's Redis
   * user may read users' events: `consumes: ["users"]` in tools/platform/services.json.
   */
  @EventPattern(UsersEvents.deleted)
  async onUserDeleted(@Payload('data') event: UserDeletedEvent, @Payload('metadata') metadata: RpcMetadata): Promise<void> {
    await this.owners.ownerDeleted(event.id, metadata.requestId);
  }
}
