import { Controller, Get, type OnModuleInit, Post, Req, Res } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { CredentialVerifier } from '@site11/auth';
import { CommonErrors, DataHttpPaths, DomainError, ErrorKind, EXPORT_FORMATS, type ExportFormat, IMPORT_MODES, type ImportMode } from '@site11/contracts';
import { dispositionHeader, sendWireError } from '@site11/platform';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { Types } from 'mongoose';
import { DataConfig } from '../data.config';
import { DatasetsService } from '../datasets/datasets.service';
import { exportStream, EXPORT_CONTENT_TYPES } from '../exports/export-writer';
import { RowStore } from '../rows/row-store';
import { compileFilter } from '../rows/rsql-filter';
import { RowSchema } from '../schema/row-schema';
import { withImportFile } from './import-upload';
import { ImportsService, tooLarge } from './imports.service';
import { REJECTED_COLUMNS } from './record-sources';

type Params = { Params: Record<string, string>; Querystring: Record<string, unknown> };

const invalid = (field: string, message: string) => new DomainError(CommonErrors.validation, ErrorKind.InvalidArgument, message, [{ field, constraints: { isValid: message } }]);

function objectId(value: string | undefined, field: string): string {
  if (!value || !/^[0-9a-f]{24}$/i.test(value) || !Types.ObjectId.isValid(value)) throw invalid(field, `${field} must be a 24-character hex ObjectId`);
  return value;
}

function oneOf<T extends string>(value: unknown, allowed: readonly T[], field: string, fallback: T): T {
  if (value === undefined) return fallback;
  if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value)) throw invalid(field, `${field} must be one of ${allowed.join(', ')}`);
  return value as T;
}

/**
 * The files of the data service, on its own HTTP listener, called only by the gateway, which
 * streams bodies through without holding them: an import (spooled here as it arrives), a job's
 * rejected rows as CSV, and an export. Each request carries the caller's access token, verified
 * here as on the transport; errors are WireErrors the gateway maps to HTTP.
 */
@Controller()
export class DataFilesHttpController implements OnModuleInit {
  constructor(
    private readonly adapterHost: HttpAdapterHost,
    private readonly verifier: CredentialVerifier,
    private readonly imports: ImportsService,
    private readonly datasets: DatasetsService,
    private readonly store: RowStore,
    private readonly config: DataConfig,
  ) {}

  /**
   * No body is parsed on this listener: an import is read from the socket as it arrives
   * (spooled, never buffered whole), whatever its type; the other routes have no body.
   */
  onModuleInit(): void {
    const fastify = this.adapterHost.httpAdapter.getInstance<FastifyInstance>();
    for (const type of ['application/json', 'text/plain', 'application/x-www-form-urlencoded']) {
      if (fastify.hasContentTypeParser(type)) fastify.removeContentTypeParser(type);
    }
    if (!fastify.hasContentTypeParser('*')) fastify.addContentTypeParser('*', (_request, _payload, done) => done(null));
  }

  @Post(DataHttpPaths.imports(':id'))
  async upload(@Req() request: FastifyRequest<Params>, @Res() reply: FastifyReply): Promise<void> {
    try {
      const actor = await this.verifier.bearerUser(request.headers.authorization, 'data');
      const id = objectId(request.params['id'], 'id');
      const mode = oneOf<ImportMode>(request.query['mode'], IMPORT_MODES, 'mode', 'strict');
      const extra = Object.keys(request.query).filter((name) => name !== 'mode');
      if (extra.length > 0) throw invalid(extra[0], `property ${extra[0].slice(0, 64)} should not exist`);
      const declared = Number(request.headers['content-length'] ?? 0);
      // a declared length over the limit is refused before a byte is read
      if (declared > this.config.DATA_MAX_UPLOAD_BYTES + 64 * 1024) throw tooLarge(this.config.DATA_MAX_UPLOAD_BYTES);
      const accepted = await withImportFile(request.raw, (format, file) => this.imports.accept(id, actor, mode, format, file));
      await reply
        .status(202)
        .header('location', `/api/v1/data/datasets/${id}/imports/${accepted.jobId}`)
        .header('cache-control', 'no-store')
        .send(accepted);
    } catch (error) {
      request.raw.resume();
      await sendWireError(reply, error, 'data');
    }
  }

  @Get(DataHttpPaths.rejected(':id', ':jobId'))
  async rejected(@Req() request: FastifyRequest<Params>, @Res() reply: FastifyReply): Promise<void> {
    try {
      const actor = await this.verifier.bearerUser(request.headers.authorization, 'data');
      const id = objectId(request.params['id'], 'id');
      const job = await this.imports.owned(id, objectId(request.params['jobId'], 'jobId'), actor);
      const columns = [...job.columns, ...REJECTED_COLUMNS];
      const rows = (async function* (source) {
        for await (const row of source) yield Object.fromEntries([...job.columns.map((name, i) => [name, row.values[i] ?? '']), ['_line', row.line], ['_error', row.error], ['_record', row.record ?? '']]);
      })(await this.imports.rejectedRows(job._id.toHexString()));
      await reply
        .status(200)
        .header('content-type', EXPORT_CONTENT_TYPES.csv)
        .header('content-disposition', dispositionHeader('attachment', `rejected-${job._id.toHexString()}.csv`))
        .header('cache-control', 'no-store')
        .header('x-content-type-options', 'nosniff')
        .send(exportStream('csv', columns, rows, { bom: false }));
    } catch (error) {
      await sendWireError(reply, error, 'data');
    }
  }

  @Get(DataHttpPaths.export(':id'))
  async export(@Req() request: FastifyRequest<Params>, @Res() reply: FastifyReply): Promise<void> {
    try {
      const actor = await this.verifier.bearerUser(request.headers.authorization, 'data');
      const id = objectId(request.params['id'], 'id');
      const format = oneOf<ExportFormat>(request.query['format'], EXPORT_FORMATS, 'format', 'csv');
      const bom = oneOf(request.query['bom'], ['true', 'false'] as const, 'bom', 'false') === 'true';
      const filterText = request.query['filter'];
      if (filterText !== undefined && (typeof filterText !== 'string' || filterText.length > 4000)) throw invalid('filter', 'filter must be one string of at most 4000 characters');
      const extra = Object.keys(request.query).filter((name) => !['format', 'bom', 'filter'].includes(name));
      if (extra.length > 0) throw invalid(extra[0], `property ${extra[0].slice(0, 64)} should not exist`);
      const dataset = await this.datasets.owned(id, actor);
      const filter = compileFilter(filterText, dataset.fields);
      const schema = new RowSchema(dataset.fields, this.config.DATA_MAX_CELL_BYTES);
      const cursor = this.store.rows(id, dataset.version).find(filter, { ...(await this.store.inOrder()), batchSize: 1000 });
      const rows = (async function* () {
        for await (const row of cursor) yield schema.toPublic(row);
      })();
      const stem = dataset.name.replace(/[/\\]/g, '_').slice(0, 100) || 'dataset';
      await reply
        .status(200)
        .header('content-type', EXPORT_CONTENT_TYPES[format])
        .header('content-disposition', dispositionHeader('attachment', `${stem}-v${dataset.version}.${format}`))
        .header('cache-control', 'no-store')
        .header('x-content-type-options', 'nosniff')
        .send(exportStream(format, dataset.fields.map((field) => field.name), rows, { bom }));
    } catch (error) {
      await sendWireError(reply, error, 'data');
    }
  }
}
