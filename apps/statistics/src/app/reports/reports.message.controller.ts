import { Controller } from '@nestjs/common';
import { EventPattern, MessagePattern, Payload } from '@nestjs/microservices';
import { Caller, RpcAccess, type VerifiedActor } from '@site11/auth';
import {
  CreateReportDto,
  ListReportsQueryDto,
  type Page,
  type ReportDto,
  type ReportFile,
  ReportIdDto,
  ReportsPatterns,
  type RpcMetadata,
  type UserDeletedEvent,
  UsersEvents,
} from '@site11/contracts';
import { ReportsService } from './reports.service';

/**
 * Message handlers of reports: who may call what (`@RpcAccess`: a signed-in user, proved by the
 * access token the gateway forwards), then one use case each; whose report it is, the service
 * checks. Payloads are validated by the platform's global pipe.
 */
@Controller()
export class ReportsMessageController {
  constructor(private readonly reports: ReportsService) {}

  @MessagePattern(ReportsPatterns.create)
  @RpcAccess({ actor: 'user' })
  create(@Payload('data') dto: CreateReportDto, @Caller() actor: VerifiedActor, @Payload('metadata') metadata: RpcMetadata): Promise<ReportDto> {
    return this.reports.create(dto, actor, metadata.requestId);
  }

  /** The caller's own; everyone's (`scope=all`) or one user's (`ownerId`) for admins (checked in the service). */
  @MessagePattern(ReportsPatterns.list)
  @RpcAccess({ actor: 'user' })
  list(@Payload('data') query: ListReportsQueryDto, @Caller() actor: VerifiedActor): Promise<Page<ReportDto>> {
    return this.reports.list(query, actor);
  }

  @MessagePattern(ReportsPatterns.findById)
  @RpcAccess({ actor: 'user' })
  findById(@Payload('data') { id }: ReportIdDto, @Caller() actor: VerifiedActor): Promise<ReportDto> {
    return this.reports.findById(id, actor);
  }

  @MessagePattern(ReportsPatterns.download)
  @RpcAccess({ actor: 'user' })
  download(@Payload('data') { id }: ReportIdDto, @Caller() actor: VerifiedActor): Promise<ReportFile> {
    return this.reports.download(id, actor);
  }

  @MessagePattern(ReportsPatterns.remove)
  @RpcAccess({ actor: 'user' })
  async remove(@Payload('data') { id }: ReportIdDto, @Caller() actor: VerifiedActor, @Payload('metadata') metadata: RpcMetadata): Promise<null> {
    await this.reports.remove(id, actor, metadata.requestId);
    return null;
  }

  /** A deleted user's reports are removed with the account, even if this service was down when it happened. */
  @EventPattern(UsersEvents.deleted)
  async onUserDeleted(@Payload('data') event: UserDeletedEvent, @Payload('metadata') metadata: RpcMetadata): Promise<void> {
    await this.reports.removeOwnedBy(event.id, metadata.requestId);
  }
}
