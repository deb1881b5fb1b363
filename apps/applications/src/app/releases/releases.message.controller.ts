import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { Caller, RpcAccess, type VerifiedActor } from '@site11/auth';
import { ApplicationsPatterns, CreateReleaseCommand, ListReleasesCommand, type Page, type ReleaseDto, ReleaseParamsDto } from '@site11/contracts';
import { ReleasesService } from './releases.service';

/** Releases of an application, its owner's or an admin's (checked in the service). */
@Controller()
export class ReleasesMessageController {
  constructor(private readonly releases: ReleasesService) {}

  @MessagePattern(ApplicationsPatterns.createRelease)
  @RpcAccess({ actor: 'user' })
  create(@Payload('data') command: CreateReleaseCommand, @Caller() actor: VerifiedActor): Promise<ReleaseDto> {
    return this.releases.create(command, actor);
  }

  @MessagePattern(ApplicationsPatterns.listReleases)
  @RpcAccess({ actor: 'user' })
  list(@Payload('data') command: ListReleasesCommand, @Caller() actor: VerifiedActor): Promise<Page<ReleaseDto>> {
    return this.releases.list(command, actor);
  }

  @MessagePattern(ApplicationsPatterns.getRelease)
  @RpcAccess({ actor: 'user' })
  get(@Payload('data') params: ReleaseParamsDto, @Caller() actor: VerifiedActor): Promise<ReleaseDto> {
    return this.releases.get(params, actor);
  }
}
