import { Controller } from '@nestjs/common';
import { EventPattern, MessagePattern, Payload } from '@nestjs/microservices';
import { Caller, RpcAccess, type VerifiedActor } from '@site11/auth';
import {
  AggregateCommand,
  type AggregateResultDto,
  CreateDatasetDto,
  DatasetIdDto,
  DatasetImportIdDto,
  DatasetRowIdDto,
  type DatasetDto,
  DatasetsPatterns,
  type DatasetVersionListDto,
  type ImportJobDto,
  type ImportJobListDto,
  ListDatasetsQueryDto,
  type Page,
  RollbackCommand,
  type RowDto,
  RowsQueryCommand,
  type RpcMetadata,
  SchemaCommand,
  TransformCommand,
  type TransformPreviewDto,
  type TransformResultDto,
  UpdateDatasetCommand,
  UpdateRowCommand,
  type UserDeletedEvent,
  UsersEvents,
} from '@site11/contracts';
import { ImportsService } from '../imports/imports.service';
import { RowsService } from '../rows/rows.service';
import { TransformService } from '../transform/transform.service';
import { DatasetsService } from './datasets.service';

/**
 * Message handlers of datasets: who may call what (`@RpcAccess`: a signed-in user, proved
 * by the access token the gateway forwards), then one use case each; whose dataset it is,
 * the service checks. Payloads are validated by the platform's global pipe. Files (imports,
 * exports, rejected rows) are not messages: see DataFilesHttpController.
 */
@Controller()
export class DatasetsMessageController {
  constructor(
    private readonly datasets: DatasetsService,
    private readonly imports: ImportsService,
    private readonly rows: RowsService,
    private readonly transforms: TransformService,
  ) {}

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
    await this.imports.removeForDataset(id);
    return null;
  }

  @MessagePattern(DatasetsPatterns.replaceSchema)
  @RpcAccess({ actor: 'user' })
  replaceSchema(@Payload('data') command: SchemaCommand, @Caller() actor: VerifiedActor, @Payload('metadata') metadata: RpcMetadata): Promise<DatasetDto> {
    return this.datasets.replaceSchema(command, actor, metadata.requestId);
  }

  @MessagePattern(DatasetsPatterns.listVersions)
  @RpcAccess({ actor: 'user' })
  listVersions(@Payload('data') { id }: DatasetIdDto, @Caller() actor: VerifiedActor): Promise<DatasetVersionListDto> {
    return this.datasets.listVersions(id, actor);
  }

  @MessagePattern(DatasetsPatterns.rollback)
  @RpcAccess({ actor: 'user' })
  rollback(@Payload('data') command: RollbackCommand, @Caller() actor: VerifiedActor, @Payload('metadata') metadata: RpcMetadata): Promise<DatasetDto> {
    return this.datasets.rollback(command, actor, metadata.requestId);
  }

  @MessagePattern(DatasetsPatterns.findImport)
  @RpcAccess({ actor: 'user' })
  findImport(@Payload('data') { datasetId, jobId }: DatasetImportIdDto, @Caller() actor: VerifiedActor): Promise<ImportJobDto> {
    return this.imports.find(datasetId, jobId, actor);
  }

  @MessagePattern(DatasetsPatterns.listImports)
  @RpcAccess({ actor: 'user' })
  listImports(@Payload('data') { id }: DatasetIdDto, @Caller() actor: VerifiedActor): Promise<ImportJobListDto> {
    return this.imports.list(id, actor);
  }

  @MessagePattern(DatasetsPatterns.queryRows)
  @RpcAccess({ actor: 'user' })
  queryRows(@Payload('data') command: RowsQueryCommand, @Caller() actor: VerifiedActor): Promise<Page<RowDto>> {
    return this.rows.query(command, actor);
  }

  @MessagePattern(DatasetsPatterns.findRow)
  @RpcAccess({ actor: 'user' })
  findRow(@Payload('data') { datasetId, rowId }: DatasetRowIdDto, @Caller() actor: VerifiedActor): Promise<RowDto> {
    return this.rows.find(datasetId, rowId, actor);
  }

  @MessagePattern(DatasetsPatterns.updateRow)
  @RpcAccess({ actor: 'user' })
  updateRow(@Payload('data') command: UpdateRowCommand, @Caller() actor: VerifiedActor): Promise<RowDto> {
    return this.rows.update(command, actor);
  }

  @MessagePattern(DatasetsPatterns.removeRow)
  @RpcAccess({ actor: 'user' })
  async removeRow(@Payload('data') { datasetId, rowId }: DatasetRowIdDto, @Caller() actor: VerifiedActor): Promise<null> {
    await this.rows.remove(datasetId, rowId, actor);
    return null;
  }

  @MessagePattern(DatasetsPatterns.aggregate)
  @RpcAccess({ actor: 'user' })
  aggregate(@Payload('data') command: AggregateCommand, @Caller() actor: VerifiedActor): Promise<AggregateResultDto> {
    return this.rows.aggregate(command, actor);
  }

  @MessagePattern(DatasetsPatterns.previewTransform)
  @RpcAccess({ actor: 'user' })
  previewTransform(@Payload('data') command: TransformCommand, @Caller() actor: VerifiedActor): Promise<TransformPreviewDto> {
    return this.transforms.preview(command, actor);
  }

  @MessagePattern(DatasetsPatterns.applyTransform)
  @RpcAccess({ actor: 'user' })
  applyTransform(@Payload('data') command: TransformCommand, @Caller() actor: VerifiedActor, @Payload('metadata') metadata: RpcMetadata): Promise<TransformResultDto> {
    return this.transforms.apply(command, actor, metadata.requestId);
  }

  /**
   * A deleted user's datasets (with their versions, import jobs and rejected rows) are removed
   * with the account, even if this service was down
   * when it happened (see `DatasetsService.removeOwnedBy`; a redelivery is harmless). The
   * service's Redis user may read users' events: `consumes: ["users"]` in tools/platform/services.json.
   */
  @EventPattern(UsersEvents.deleted)
  async onUserDeleted(@Payload('data') event: UserDeletedEvent, @Payload('metadata') metadata: RpcMetadata): Promise<void> {
    await this.datasets.removeOwnedBy(event.id, metadata.requestId, (id) => this.imports.removeForDataset(id));
  }
}
