import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { Caller, RpcAccess, type VerifiedActor } from '@site11/auth';
import {
  ApplicationsPatterns,
  ConfigDiffCommand,
  type ConfigDiffDto,
  ConfigEnvParamsDto,
  type ConfigVersionDto,
  type ConfigVersionPageDto,
  ConfigVersionParamsDto,
  ConfigVersionsCommand,
  PutConfigCommand,
  RollbackConfigCommand,
  type RpcMetadata,
} from '@site11/contracts';
import { ConfigService } from './config.service';

/** Configuration versions of an application, its owner's or an admin's (checked in the service). */
@Controller()
export class ConfigMessageController {
  constructor(private readonly config: ConfigService) {}

  @MessagePattern(ApplicationsPatterns.putConfig)
  @RpcAccess({ actor: 'user' })
  put(@Payload('data') command: PutConfigCommand, @Caller() actor: VerifiedActor, @Payload('metadata') metadata: RpcMetadata): Promise<ConfigVersionDto> {
    return this.config.put(command, actor, metadata.requestId);
  }

  @MessagePattern(ApplicationsPatterns.getConfig)
  @RpcAccess({ actor: 'user' })
  get(@Payload('data') { id, env }: ConfigEnvParamsDto, @Caller() actor: VerifiedActor): Promise<ConfigVersionDto> {
    return this.config.get(id, env, actor);
  }

  @MessagePattern(ApplicationsPatterns.listConfigVersions)
  @RpcAccess({ actor: 'user' })
  list(@Payload('data') command: ConfigVersionsCommand, @Caller() actor: VerifiedActor): Promise<ConfigVersionPageDto> {
    return this.config.list(command, actor);
  }

  @MessagePattern(ApplicationsPatterns.getConfigVersion)
  @RpcAccess({ actor: 'user' })
  version(@Payload('data') params: ConfigVersionParamsDto, @Caller() actor: VerifiedActor): Promise<ConfigVersionDto> {
    return this.config.version(params, actor);
  }

  @MessagePattern(ApplicationsPatterns.diffConfig)
  @RpcAccess({ actor: 'user' })
  diff(@Payload('data') command: ConfigDiffCommand, @Caller() actor: VerifiedActor): Promise<ConfigDiffDto> {
    return this.config.diff(command, actor);
  }

  @MessagePattern(ApplicationsPatterns.rollbackConfig)
  @RpcAccess({ actor: 'user' })
  rollback(
    @Payload('data') command: RollbackConfigCommand,
    @Caller() actor: VerifiedActor,
    @Payload('metadata') metadata: RpcMetadata,
  ): Promise<ConfigVersionDto> {
    return this.config.rollback(command, actor, metadata.requestId);
  }
}
