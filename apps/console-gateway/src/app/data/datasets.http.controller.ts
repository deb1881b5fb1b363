import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Put, Query, Req, Res } from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiBearerAuth,
  ApiBody,
  ApiConsumes,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiProduces,
  ApiTags,
} from '@nestjs/swagger';
import {
  AggregateQueryDto,
  AggregateResultDto,
  CreateDatasetDto,
  DataHttpPaths,
  DatasetDto,
  DatasetIdDto,
  DatasetPageDto,
  DatasetsPatterns,
  DatasetVersionListDto,
  ExportQueryDto,
  ImportAcceptedDto,
  ImportJobDto,
  ImportJobListDto,
  ImportParamsDto,
  ImportQueryDto,
  ListDatasetsQueryDto,
  type Page,
  ReplaceSchemaDto,
  RollbackDto,
  RowDto,
  RowPageDto,
  RowParamsDto,
  RowsQueryDto,
  TransformDto,
  TransformPreviewDto,
  TransformResultDto,
  UpdateDatasetDto,
  UpdateRowDto,
} from '@site11/contracts';
import { Scopes } from '@site11/gateway-auth';
import { type CallOptions, RpcClient } from '@site11/messaging';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { GatewayConfig } from '../gateway.config';
import { Call } from '../http/call-context';
import { ApiErrors } from '../http/error-response';
import { FileProxy } from '../http/file-proxy';

const IMPORT_TYPES = ['text/csv', 'application/json', 'application/x-ndjson', 'multipart/form-data'];

/**
 * Datasets of the data service: their schema, versions, import jobs, rows, aggregates and
 * transformations by message patterns; files (imports, exports, rejected rows) streamed to and
 * from the data service's own listener by FileProxy. Every route needs a token (third-party
 * applications: `data:read` or `data:write`); whose dataset it is, the service decides.
 */
@ApiTags('data')
@ApiBearerAuth()
@ApiErrors(400, 401, 403, 503, 504)
@Controller('data/datasets')
export class DatasetsHttpController {
  constructor(
    private readonly rpc: RpcClient,
    private readonly files: FileProxy,
    private readonly config: GatewayConfig,
  ) {}

  private data(path: string) {
    return { service: 'data', origin: this.config.DATA_URL, path };
  }

  /** Calls that read a whole version get DATA_QUERY_DEADLINE_MS instead of the default deadline. */
  private scanning(call: CallOptions): CallOptions {
    return { ...call, deadlineMs: this.config.DATA_QUERY_DEADLINE_MS };
  }

  @Post()
  @Scopes('data:write')
  @ApiOperation({ summary: 'Create a dataset' })
  @ApiCreatedResponse({ type: DatasetDto })
  create(@Body() dto: CreateDatasetDto, @Call() call: CallOptions): Promise<DatasetDto> {
    return this.rpc.send(DatasetsPatterns.create, dto, call);
  }

  @Get()
  @Scopes('data:read')
  @ApiOperation({
    summary: 'List my datasets, one page at a time',
    description: 'Admins may list everyone’s (`scope=all`) or one user’s (`ownerId`); anyone else gets 403 AUTH.FORBIDDEN for either.',
  })
  @ApiOkResponse({ type: DatasetPageDto })
  list(@Query() query: ListDatasetsQueryDto, @Call() call: CallOptions): Promise<Page<DatasetDto>> {
    return this.rpc.send(DatasetsPatterns.list, query, call);
  }

  @Get(':id')
  @Scopes('data:read')
  @ApiOperation({ summary: 'Get a dataset (its owner or an admin)' })
  @ApiOkResponse({ type: DatasetDto })
  @ApiErrors(404)
  findById(@Param() params: DatasetIdDto, @Call() call: CallOptions): Promise<DatasetDto> {
    return this.rpc.send(DatasetsPatterns.findById, params, call);
  }

  @Patch(':id')
  @Scopes('data:write')
  @ApiOperation({ summary: 'Rename or describe a dataset (its owner or an admin)' })
  @ApiOkResponse({ type: DatasetDto })
  @ApiErrors(404)
  update(@Param() { id }: DatasetIdDto, @Body() dto: UpdateDatasetDto, @Call() call: CallOptions): Promise<DatasetDto> {
    return this.rpc.send(DatasetsPatterns.update, { ...dto, id }, call);
  }

  @Delete(':id')
  @Scopes('data:write')
  @HttpCode(204)
  @ApiOperation({ summary: 'Delete a dataset with all its versions and imports (its owner or an admin)' })
  @ApiNoContentResponse()
  @ApiErrors(404)
  async remove(@Param() params: DatasetIdDto, @Call() call: CallOptions): Promise<void> {
    await this.rpc.send(DatasetsPatterns.remove, params, call);
  }

  @Put(':id/schema')
  @Scopes('data:write')
  @ApiOperation({
    summary: 'Replace the schema',
    description:
      'Before the first import: any fields (imports then validate against them instead of inferring). After it: the same field names, each keeping its type (integer may widen to number), with new constraints that every current row must satisfy — else 422 DATA.SCHEMA_CONFLICT with the first offending rows. Renames, casts, new and dropped fields are transformations.',
  })
  @ApiOkResponse({ type: DatasetDto })
  @ApiErrors(404, 409, 422)
  replaceSchema(@Param() { id }: DatasetIdDto, @Body() dto: ReplaceSchemaDto, @Call() call: CallOptions): Promise<DatasetDto> {
    return this.rpc.send(DatasetsPatterns.replaceSchema, { ...dto, id }, call);
  }

  @Get(':id/versions')
  @Scopes('data:read')
  @ApiOperation({ summary: 'Kept versions of a dataset, newest first' })
  @ApiOkResponse({ type: DatasetVersionListDto })
  @ApiErrors(404)
  versions(@Param() params: DatasetIdDto, @Call() call: CallOptions): Promise<DatasetVersionListDto> {
    return this.rpc.send(DatasetsPatterns.listVersions, params, call);
  }

  @Post(':id/rollback')
  @Scopes('data:write')
  @HttpCode(200)
  @ApiOperation({ summary: 'Make a kept version current again (its rows and schema)' })
  @ApiOkResponse({ type: DatasetDto })
  @ApiErrors(404, 409)
  rollback(@Param() { id }: DatasetIdDto, @Body() dto: RollbackDto, @Call() call: CallOptions): Promise<DatasetDto> {
    return this.rpc.send(DatasetsPatterns.rollback, { ...dto, id }, call);
  }

  @Post(':id/imports')
  @Scopes('data:write')
  @ApiOperation({
    summary: 'Import a file as the next version',
    description:
      'The body is the file: CSV (text/csv; `,` `;` or tab, header row, RFC 4180 quoting, BOM allowed), a JSON array of objects (application/json) or NDJSON (application/x-ndjson), raw or as the part `file` of multipart/form-data; 200 MiB by default (413 DATA.TOO_LARGE while streaming). ' +
      'Answers 202 with the job once the file is received; follow it at GET …/imports/{jobId}. No header, too many columns, an unknown format: 422 at once. ' +
      '`strict` (default): the rows become current only if all are valid; `skip-invalid`: the valid ones do.',
  })
  @ApiConsumes(...IMPORT_TYPES)
  @ApiBody({
    schema: {
      oneOf: [
        { type: 'string', format: 'binary', description: 'The file itself (text/csv, application/json, application/x-ndjson)' },
        { type: 'object', required: ['file'], properties: { file: { type: 'string', format: 'binary' } } },
      ],
    },
  })
  @ApiAcceptedResponse({ type: ImportAcceptedDto, description: 'Received and queued' })
  @ApiErrors(404, 413, 422)
  async importFile(@Param() { id }: DatasetIdDto, @Query() _query: ImportQueryDto, @Req() request: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    await this.files.forward(request, reply, this.data(DataHttpPaths.imports(id)), { upload: true, deadlineMs: this.config.DATA_UPLOAD_DEADLINE_MS });
  }

  @Get(':id/imports')
  @Scopes('data:read')
  @ApiOperation({ summary: 'Recent import jobs of a dataset, newest first' })
  @ApiOkResponse({ type: ImportJobListDto })
  @ApiErrors(404)
  imports(@Param() params: DatasetIdDto, @Call() call: CallOptions): Promise<ImportJobListDto> {
    return this.rpc.send(DatasetsPatterns.listImports, params, call);
  }

  @Get(':id/imports/:jobId')
  @Scopes('data:read')
  @ApiOperation({ summary: 'An import job: status, progress, counts and the first errors (line, column, value, rule, message)' })
  @ApiOkResponse({ type: ImportJobDto })
  @ApiErrors(404)
  importJob(@Param() { id, jobId }: ImportParamsDto, @Call() call: CallOptions): Promise<ImportJobDto> {
    return this.rpc.send(DatasetsPatterns.findImport, { datasetId: id, jobId }, call);
  }

  @Get(':id/imports/:jobId/rejected.csv')
  @Scopes('data:read')
  @ApiOperation({ summary: 'The rejected rows of an import as CSV: their columns, then `_line` and `_error` (a fixed file imports as is)' })
  @ApiProduces('text/csv')
  @ApiOkResponse({ schema: { type: 'string', format: 'binary' } })
  @ApiErrors(404)
  async rejected(@Param() { id, jobId }: ImportParamsDto, @Req() request: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    await this.files.forward(request, reply, this.data(DataHttpPaths.rejected(id, jobId)), { deadlineMs: this.config.RPC_DEADLINE_MS });
  }

  @Get(':id/rows')
  @Scopes('data:read')
  @ApiOperation({ summary: 'Rows of the current version, one page at a time, filtered (RSQL), sorted and projected' })
  @ApiOkResponse({ type: RowPageDto })
  @ApiErrors(404)
  rows(@Param() { id }: DatasetIdDto, @Query() query: RowsQueryDto, @Call() call: CallOptions): Promise<Page<RowDto>> {
    return this.rpc.send(DatasetsPatterns.queryRows, { ...query, datasetId: id }, this.scanning(call));
  }

  @Get(':id/rows/:rowId')
  @Scopes('data:read')
  @ApiOperation({ summary: 'One row of the current version' })
  @ApiOkResponse({ type: RowDto })
  @ApiErrors(404)
  row(@Param() { id, rowId }: RowParamsDto, @Call() call: CallOptions): Promise<RowDto> {
    return this.rpc.send(DatasetsPatterns.findRow, { datasetId: id, rowId }, call);
  }

  @Patch(':id/rows/:rowId')
  @Scopes('data:write')
  @ApiOperation({ summary: 'Change values of one row (validated against the schema: 422 DATA.INVALID_ROW)' })
  @ApiOkResponse({ type: RowDto })
  @ApiErrors(404, 422)
  updateRow(@Param() { id, rowId }: RowParamsDto, @Body() dto: UpdateRowDto, @Call() call: CallOptions): Promise<RowDto> {
    return this.rpc.send(DatasetsPatterns.updateRow, { ...dto, datasetId: id, rowId }, call);
  }

  @Delete(':id/rows/:rowId')
  @Scopes('data:write')
  @HttpCode(204)
  @ApiOperation({ summary: 'Delete one row of the current version' })
  @ApiNoContentResponse()
  @ApiErrors(404)
  async removeRow(@Param() { id, rowId }: RowParamsDto, @Call() call: CallOptions): Promise<void> {
    await this.rpc.send(DatasetsPatterns.removeRow, { datasetId: id, rowId }, call);
  }

  @Get(':id/aggregate')
  @Scopes('data:read')
  @ApiOperation({ summary: 'count, sum, avg, min and max of the current rows, by up to three fields' })
  @ApiOkResponse({ type: AggregateResultDto })
  @ApiErrors(404)
  aggregate(@Param() { id }: DatasetIdDto, @Query() query: AggregateQueryDto, @Call() call: CallOptions): Promise<AggregateResultDto> {
    return this.rpc.send(DatasetsPatterns.aggregate, { ...query, datasetId: id }, this.scanning(call));
  }

  @Post(':id/transform/preview')
  @Scopes('data:read')
  @HttpCode(200)
  @ApiOperation({ summary: 'The first 50 rows before and after a transformation, nothing saved' })
  @ApiOkResponse({ type: TransformPreviewDto })
  @ApiErrors(404, 422)
  preview(@Param() { id }: DatasetIdDto, @Body() dto: TransformDto, @Call() call: CallOptions): Promise<TransformPreviewDto> {
    return this.rpc.send(DatasetsPatterns.previewTransform, { ...dto, datasetId: id }, this.scanning(call));
  }

  @Post(':id/transform')
  @Scopes('data:write')
  @HttpCode(200)
  @ApiOperation({ summary: 'Apply a transformation to every row as a new current version' })
  @ApiOkResponse({ type: TransformResultDto })
  @ApiErrors(404, 409, 422)
  transform(@Param() { id }: DatasetIdDto, @Body() dto: TransformDto, @Call() call: CallOptions): Promise<TransformResultDto> {
    return this.rpc.send(DatasetsPatterns.applyTransform, { ...dto, datasetId: id }, { ...call, deadlineMs: this.config.DATA_TRANSFORM_DEADLINE_MS });
  }

  @Get(':id/export')
  @Scopes('data:read')
  @ApiOperation({ summary: 'The current rows as CSV, NDJSON or JSON, streamed (optionally filtered)' })
  @ApiProduces('text/csv', 'application/x-ndjson', 'application/json')
  @ApiOkResponse({ schema: { type: 'string', format: 'binary' } })
  @ApiErrors(404)
  async export(@Param() { id }: DatasetIdDto, @Query() _query: ExportQueryDto, @Req() request: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    await this.files.forward(request, reply, this.data(DataHttpPaths.export(id)), { deadlineMs: this.config.DATA_QUERY_DEADLINE_MS });
  }
}
