import { Controller } from '@nestjs/common';
import { EventPattern, MessagePattern, Payload } from '@nestjs/microservices';
import { Caller, RpcAccess, type VerifiedActor } from '@site11/auth';
import {
  CreateReportDto,
  ListReportsQueryDto,
  type Page,
  type ReportDto,
  ReportIdDto,
  ReportsPatterns,
  type RpcMetadata,
  UpdateReportCommand,
  type UserDeletedEvent,
  UsersEvents,
} from '@site11/contracts';
import { ReportsService } from './reports.service';

/**
 * Message handlers of reports: who may call what (`@RpcAccess`: a signed-in user, proved
 * by the access token the gateway forwards), then one use case each; whose report it is,
 * the service checks. Payloads are validated by the platform's global pipe.
 */
@Controller()
export class ReportsMessageController {
  constructor(private readonly reports: ReportsService) {}

  @MessagePattern(ReportsPatterns.create)
  @RpcAccess({ actor: 'user' })
  create(
    @Payload('data') dto: CreateReportDto,
    @Caller() actor: VerifiedActor,
    @Payload('metadata') metadata: RpcMetadata,
  ): Promise<ReportDto> {
    return this.reports.create(dto, actor, metadata.requestId);
  }

  /** The caller's own; everyone's (`scope=all`) or one user's (`ownerId`) for admins (checked in the service). */
  @MessagePattern(ReportsPatterns.list)
  @RpcAccess({ actor: 'user' })
  list(@Payload('data') query: ListReportsQueryDto, @Caller() actor: VerifiedActor): Promise<Page<ReportDto>> {
    return this.reports.list(query, actor);
  }

  /** Its owner or an admin (checked in the service: only it knows whose it is). */
  @MessagePattern(ReportsPatterns.findById)
  @RpcAccess({ actor: 'user' })
  findById(@Payload('data') { id }: ReportIdDto, @Caller() actor: VerifiedActor): Promise<ReportDto> {
    return this.reports.findById(id, actor);
  }

  @MessagePattern(ReportsPatterns.update)
  @RpcAccess({ actor: 'user' })
  update(
    @Payload('data') command: UpdateReportCommand,
    @Caller() actor: VerifiedActor,
    @Payload('metadata') metadata: RpcMetadata,
  ): Promise<ReportDto> {
    return this.reports.update(command, actor, metadata.requestId);
  }

  @MessagePattern(ReportsPatterns.remove)
  @RpcAccess({ actor: 'user' })
  async remove(
    @Payload('data') { id }: ReportIdDto,
    @Caller() actor: VerifiedActor,
    @Payload('metadata') metadata: RpcMetadata,
  ): Promise<null> {
    await this.reports.remove(id, actor, metadata.requestId);
    return null;
  }

  /**
   * A deleted user's reports are removed with the account, even if this service was down
   * when it happened (see `ReportsService.removeOwnedBy`; a redelivery is harmless). The
   * service's Redis user may read users' events: `consumes: ["users"]` in tools/platform/services.json.
   */
  @EventPattern(UsersEvents.deleted)
  async onUserDeleted(@Payload('data') event: UserDeletedEvent, @Payload('metadata') metadata: RpcMetadata): Promise<void> {
    await this.reports.removeOwnedBy(event.id, metadata.requestId);
  }
}
