import { Controller } from '@nestjs/common';
import { EventPattern, MessagePattern, Payload } from '@nestjs/microservices';
import { Caller, RpcAccess, type VerifiedActor } from '@site11/auth';
import {
  CreateImageDto,
  ListImagesQueryDto,
  type Page,
  type ImageDto,
  ImageIdDto,
  ImagesPatterns,
  type RpcMetadata,
  UpdateImageCommand,
  type UserDeletedEvent,
  UsersEvents,
} from '@site11/contracts';
import { ImagesService } from './images.service';

/**
 * Message handlers of images: who may call what (`@RpcAccess`: a signed-in user, proved
 * by the access token the gateway forwards), then one use case each; whose image it is,
 * the service checks. Payloads are validated by the platform's global pipe.
 */
@Controller()
export class ImagesMessageController {
  constructor(private readonly images: ImagesService) {}

  @MessagePattern(ImagesPatterns.create)
  @RpcAccess({ actor: 'user' })
  create(
    @Payload('data') dto: CreateImageDto,
    @Caller() actor: VerifiedActor,
    @Payload('metadata') metadata: RpcMetadata,
  ): Promise<ImageDto> {
    return this.images.create(dto, actor, metadata.requestId);
  }

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
  update(
    @Payload('data') command: UpdateImageCommand,
    @Caller() actor: VerifiedActor,
    @Payload('metadata') metadata: RpcMetadata,
  ): Promise<ImageDto> {
    return this.images.update(command, actor, metadata.requestId);
  }

  @MessagePattern(ImagesPatterns.remove)
  @RpcAccess({ actor: 'user' })
  async remove(
    @Payload('data') { id }: ImageIdDto,
    @Caller() actor: VerifiedActor,
    @Payload('metadata') metadata: RpcMetadata,
  ): Promise<null> {
    await this.images.remove(id, actor, metadata.requestId);
    return null;
  }

  /**
   * A deleted user's images are removed with the account, even if this service was down
   * when it happened (see `ImagesService.removeOwnedBy`; a redelivery is harmless). The
   * service's Redis user may read users' events: `consumes: ["users"]` in tools/platform/services.json.
   */
  @EventPattern(UsersEvents.deleted)
  async onUserDeleted(@Payload('data') event: UserDeletedEvent, @Payload('metadata') metadata: RpcMetadata): Promise<void> {
    await this.images.removeOwnedBy(event.id, metadata.requestId);
  }
}
