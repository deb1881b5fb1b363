import { Injectable, Logger, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import {
  type Actor,
  DATA_FIELD_NAME_PATTERN,
  DatasetsErrors,
  DatasetsEvents,
  DomainError,
  ErrorKind,
  IMPORT_ERRORS_LISTED,
  type ImportAcceptedDto,
  type ImportJobDto,
  type ImportJobListDto,
  type ImportMode,
} from '@site11/contracts';
import { outboxEvent } from '@site11/persistence';
import { Model, Types } from 'mongoose';
import { mkdir, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { DataConfig } from '../data.config';
import type { Dataset } from '../datasets/dataset.schema';
import { DatasetsService } from '../datasets/datasets.service';
import { type RowDocument, RowStore } from '../rows/row-store';
import { type FieldProblem, memorySize, shown, type StoredField } from '../schema/field-rules';
import { inferSchema, RowSchema } from '../schema/row-schema';
import { ImportJob, toImportJobDto } from './import-job.schema';
import { type DeclaredFormat, spoolTo } from './import-upload';
import { type FileShape, fileShape, MalformedFileError, readRecords, REJECTED_COLUMNS, sniffFormat, type SourceRecord } from './record-sources';

const BATCH = 1000;
/** A batch (of rows, rejected rows or the inference sample) is written when it holds this many bytes, whatever its count. */
const BATCH_BYTES = 8 * 1024 * 1024;
/** Problems kept per rejected row (the first ones), and the longest `_error` text. */
const PROBLEMS_PER_ROW = 20;
const ERROR_TEXT_CHARS = 2000;

const PROGRESS_MS = 500;
const INFER_SAMPLE = 1000;

export const tooLarge = (limit: number) => new DomainError(DatasetsErrors.tooLarge, ErrorKind.PayloadTooLarge, `The file is larger than ${limit} bytes (${(limit / 1024 / 1024).toFixed(0)} MiB)`);
const notFound = (id: string) => new DomainError(DatasetsErrors.jobNotFound, ErrorKind.NotFound, `Import ${id} does not exist`);

/** A rejected row as kept for rejected.csv: its values in the job's columns, and why. */
interface RejectedRow {
  _id: number;
  line: number;
  values: string[];
  error: string;
  /** The record as written, when its values could not be put in columns (a ragged row, a broken line). */
  record?: string;
}

/** Another instance failed this job (its lease ran out): this run stops without touching the job. */
class TakenOver extends Error {}

class JobFailed extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/**
 * Import jobs. An upload is spooled to a local file as it streams in (never held in memory,
 * refused with 413 the moment it passes DATA_MAX_UPLOAD_BYTES), checked for what can be refused
 * at once (422), then queued; the answer is 202 with the job. The job parses the file as a
 * stream, validates each record against the schema (inferred from the first 1000 records of a
 * first import), writes valid rows in batches to a new version, keeps rejected rows for
 * rejected.csv, and reports progress on the job document. The version becomes current only when
 * the job completes (strict: only if no row was rejected), so a failed or interrupted import
 * never leaves a half-imported current version. A job whose instance stops renewing its lease
 * (a crash) is failed by any instance.
 */
@Injectable()
export class ImportsService implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger(ImportsService.name);
  private readonly queue: Types.ObjectId[] = [];
  private readonly mine = new Set<string>();
  private running = 0;
  private heartbeat?: NodeJS.Timeout;
  private stopping = false;
  private readonly spoolDir: string;
  private readonly leaseMs: number;

  constructor(
    @InjectModel(ImportJob.name) private readonly jobs: Model<ImportJob>,
    private readonly datasets: DatasetsService,
    private readonly store: RowStore,
    private readonly config: DataConfig,
  ) {
    this.spoolDir = config.DATA_SPOOL_DIR || join(tmpdir(), 'site11-data-spool');
    this.leaseMs = config.DATA_IMPORT_LEASE_MS;
  }

  async onModuleInit(): Promise<void> {
    await this.jobs.init();
    await mkdir(this.spoolDir, { recursive: true });
    this.heartbeat = setInterval(() => void this.renewAndReap().catch((error) => this.logger.warn(`import lease renewal failed: ${String(error)}`)), this.leaseMs / 4);
    this.heartbeat.unref();
    void this.renewAndReap().catch(() => undefined);
  }

  onApplicationShutdown(): void {
    this.stopping = true;
    clearInterval(this.heartbeat);
  }

  private get limits() {
    return { maxColumns: this.config.DATA_MAX_COLUMNS, maxRecordBytes: this.config.DATA_MAX_RECORD_BYTES };
  }

  /**
   * Receives an upload for the caller's dataset: spooled, checked, queued. `body` is the file's
   * bytes (the raw body, or the `file` part of a multipart body).
   */
  async accept(datasetId: string, actor: Actor, mode: ImportMode, declared: DeclaredFormat, body: Readable): Promise<ImportAcceptedDto> {
    const dataset = await this.datasets.owned(datasetId, actor);
    const pending = await this.jobs.countDocuments({ ownerId: dataset.ownerId, status: { $in: ['queued', 'running'] } }).exec();
    if (pending >= this.config.DATA_MAX_IMPORTS_PER_USER) {
      throw new DomainError(DatasetsErrors.tooManyImports, ErrorKind.ResourceExhausted, `At most ${this.config.DATA_MAX_IMPORTS_PER_USER} imports may be queued or running at once; wait for one to finish`, { retryAfterSeconds: 5 });
    }
    const _id = new Types.ObjectId();
    const path = this.spoolPath(_id);
    const limit = this.config.DATA_MAX_UPLOAD_BYTES;
    try {
      const bytes = await spoolTo(body, path, limit, () => tooLarge(limit));
      const format = declared === 'sniff' ? await sniffFormat(path) : declared;
      const shape = await fileShape(path, format, this.limits);
      if (shape.header && dataset.fields.length > 0) checkHeader(shape.header, dataset.fields);
      await this.jobs.create({
        _id,
        datasetId,
        ownerId: dataset.ownerId,
        status: 'queued',
        mode,
        format,
        ...(shape.header ? { header: shape.header, delimiter: shape.delimiter } : {}),
        bytes,
        instance: this.config.INSTANCE_ID,
        leaseUntil: new Date(Date.now() + this.leaseMs),
      });
    } catch (error) {
      await rm(path, { force: true });
      throw error;
    }
    this.mine.add(_id.toHexString());
    this.queue.push(_id);
    this.drain();
    await this.pruneJobs(datasetId);
    return { jobId: _id.toHexString(), status: 'queued' };
  }

  async find(datasetId: string, jobId: string, actor: Actor): Promise<ImportJobDto> {
    return toImportJobDto(await this.owned(datasetId, jobId, actor));
  }

  async list(datasetId: string, actor: Actor): Promise<ImportJobListDto> {
    await this.datasets.owned(datasetId, actor);
    const found = await this.jobs.find({ datasetId }).sort({ _id: -1 }).limit(this.config.DATA_JOBS_KEPT).lean<ImportJob[]>().exec();
    return { items: found.map(toImportJobDto) };
  }

  /** The job, if its dataset is the caller's (or the caller is an admin). */
  async owned(datasetId: string, jobId: string, actor: Actor): Promise<ImportJob> {
    await this.datasets.owned(datasetId, actor);
    const job = await this.jobs.findById(new Types.ObjectId(jobId)).lean<ImportJob>().exec();
    if (!job || job.datasetId !== datasetId) throw notFound(jobId);
    return job;
  }

  /** Rejected rows of a job in file order, for rejected.csv. */
  async rejectedRows(jobId: string): Promise<AsyncIterable<RejectedRow>> {
    return this.store.rejected<RejectedRow>(jobId).find({}, { ...(await this.store.inOrder()), batchSize: 1000 });
  }

  private spoolPath(id: Types.ObjectId): string {
    return join(this.spoolDir, `${id.toHexString()}.upload`);
  }

  private drain(): void {
    while (!this.stopping && this.running < this.config.DATA_IMPORT_CONCURRENCY && this.queue.length > 0) {
      const id = this.queue.shift() as Types.ObjectId;
      this.running++;
      void this.run(id)
        .catch((error) => this.logger.error(`import ${id.toHexString()} crashed: ${error instanceof Error ? error.stack : String(error)}`))
        .finally(() => {
          this.running--;
          this.mine.delete(id.toHexString());
          void rm(this.spoolPath(id), { force: true });
          this.drain();
        });
    }
  }

  private async run(id: Types.ObjectId): Promise<void> {
    const job = await this.jobs
      .findOneAndUpdate({ _id: id, status: 'queued' }, { $set: { status: 'running', leaseUntil: new Date(Date.now() + this.leaseMs) } }, { new: true })
      .lean<ImportJob>()
      .exec();
    if (!job) return;
    const dataset = await this.datasets.live(new Types.ObjectId(job.datasetId));
    if (!dataset) return this.fail(job, null, new JobFailed(DatasetsErrors.notFound, 'The dataset was deleted'), { rowsRead: 0, rowsRejected: 0 });
    const version = await this.datasets.allocateVersion(dataset._id);
    if (version === null) return this.fail(job, null, new JobFailed(DatasetsErrors.notFound, 'The dataset was deleted'), { rowsRead: 0, rowsRejected: 0 });
    await this.jobs.updateOne({ _id: id }, { $set: { version } }).exec();
    const run = new ImportRun(job, dataset, version, this.store, this.config, this.jobs);
    try {
      await run.execute(this.spoolPath(id), this.limits);
    } catch (error) {
      if (error instanceof TakenOver) return this.store.dropRows(job.datasetId, version);
      const failure =
        error instanceof JobFailed
          ? error
          : error instanceof MalformedFileError
            ? new JobFailed(DatasetsErrors.malformedFile, `${error.message} (line ${error.line})`)
            : new JobFailed(DatasetsErrors.importError, 'The import stopped on an internal error');
      if (!(error instanceof JobFailed) && !(error instanceof MalformedFileError)) this.logger.error(`import ${id.toHexString()} failed: ${error instanceof Error ? error.stack : String(error)}`);
      await run.flushRejected().catch(() => undefined);
      return this.fail(job, version, failure, run.counts);
    }
    if (run.counts.rowsRead === 0) {
      return this.fail(job, version, new JobFailed(DatasetsErrors.noRows, 'The file has no rows; the dataset is unchanged'), run.counts);
    }
    if (job.mode === 'strict' && run.counts.rowsRejected > 0) {
      return this.fail(job, version, new JobFailed(DatasetsErrors.invalidRows, `${run.counts.rowsRejected} of ${run.counts.rowsRead} rows are invalid; a strict import changes nothing (fix them, or import with ?mode=skip-invalid)`), run.counts);
    }
    if (job.mode === 'skip-invalid' && run.counts.rowsRead > 0 && run.counts.rowsImported === 0) {
      return this.fail(job, version, new JobFailed(DatasetsErrors.noValidRows, 'No row is valid; the dataset is unchanged'), run.counts);
    }
    // still this run's job? (a lease that ran out was taken over, and its rows dropped)
    const held = await this.jobs.updateOne({ _id: id, status: 'running' }, { $set: { leaseUntil: new Date(Date.now() + this.leaseMs) } }).exec();
    if (held.matchedCount === 0) return this.store.dropRows(job.datasetId, version);
    const committed = await this.datasets.commitVersion(
      dataset,
      { version, source: 'import', rowCount: run.counts.rowsImported, schema: run.schema, nextKey: run.nextKey },
      outboxEvent(
        DatasetsEvents.importCompleted,
        { id: job._id.toHexString(), datasetId: job.datasetId, ownerId: job.ownerId, mode: job.mode, version, rowsRead: run.counts.rowsRead, rowsImported: run.counts.rowsImported, rowsRejected: run.counts.rowsRejected },
        'data',
      ),
    );
    if (!committed) {
      return this.fail(job, version, new JobFailed(DatasetsErrors.busy, 'The dataset changed while importing (another import, a transformation, a rollback or a schema edit); import again'), run.counts);
    }
    await this.jobs.updateOne({ _id: id }, { $set: { status: 'completed', finishedAt: new Date(), ...run.progress() } }).exec();
  }

  private async fail(job: ImportJob, version: number | null, failure: JobFailed, counts: { rowsRead: number; rowsRejected: number }): Promise<void> {
    if (version !== null) await this.store.dropRows(job.datasetId, version);
    const { rowsRead, rowsRejected } = counts;
    // nothing of a failed job was imported, whatever its progress said
    await this.jobs.updateOne({ _id: job._id, status: { $in: ['queued', 'running'] } }, { $set: { status: 'failed', finishedAt: new Date(), failure: { code: failure.code, message: failure.message }, rowsRead, rowsRejected, rowsImported: 0 } }).exec();
    await this.datasets.recordEvent(
      new Types.ObjectId(job.datasetId),
      outboxEvent(DatasetsEvents.importFailed, { id: job._id.toHexString(), datasetId: job.datasetId, ownerId: job.ownerId, mode: job.mode, rowsRead: counts.rowsRead, rowsRejected: counts.rowsRejected, reason: failure.code }, 'data'),
    );
  }

  /**
   * Renews the leases of this instance's jobs (queued and running), and fails other instances'
   * jobs whose lease ran out: their instance stopped, and their upload was on it.
   */
  private async renewAndReap(): Promise<void> {
    const leaseUntil = new Date(Date.now() + this.leaseMs);
    if (this.mine.size > 0) await this.jobs.updateMany({ _id: { $in: [...this.mine].map((id) => new Types.ObjectId(id)) } }, { $set: { leaseUntil } }).exec();
    const stale = await this.jobs.find({ status: { $in: ['queued', 'running'] }, leaseUntil: { $lt: new Date() } }).lean<ImportJob[]>().exec();
    await this.sweepSpool();
    for (const job of stale) {
      if (this.mine.has(job._id.toHexString())) continue;
      const taken = await this.jobs.updateOne({ _id: job._id, status: job.status, leaseUntil: job.leaseUntil }, { $set: { leaseUntil } }).exec();
      if (taken.modifiedCount === 0) continue;
      await this.fail(job, job.version ?? null, new JobFailed(DatasetsErrors.interrupted, 'The instance running the import stopped; import the file again'), { rowsRead: job.rowsRead, rowsRejected: job.rowsRejected });
    }
  }

  /**
   * Deletes spooled uploads nobody will read: those of jobs that ended or are gone (an instance
   * that crashed left them). Uploads of jobs still queued or running stay, whichever instance
   * on this host holds them.
   */
  private async sweepSpool(): Promise<void> {
    const files = (await readdir(this.spoolDir).catch(() => [] as string[])).filter((name) => /^[0-9a-f]{24}\.upload$/.test(name));
    if (files.length === 0) return;
    const ids = files.map((name) => name.slice(0, 24)).filter((id) => !this.mine.has(id));
    const live = await this.jobs.find({ _id: { $in: ids.map((id) => new Types.ObjectId(id)) }, status: { $in: ['queued', 'running'] } }).select({ _id: 1 }).lean<{ _id: Types.ObjectId }[]>().exec();
    const keep = new Set(live.map(({ _id }) => _id.toHexString()));
    for (const id of ids) if (!keep.has(id)) await rm(join(this.spoolDir, `${id}.upload`), { force: true });
  }

  /** Keeps the newest DATA_JOBS_KEPT finished jobs of a dataset, with their rejected rows. */
  private async pruneJobs(datasetId: string): Promise<void> {
    const old = await this.jobs.find({ datasetId, status: { $in: ['completed', 'failed'] } }).sort({ _id: -1 }).skip(this.config.DATA_JOBS_KEPT).select({ _id: 1 }).lean<{ _id: Types.ObjectId }[]>().exec();
    for (const { _id } of old) {
      await this.store.dropRejected(_id.toHexString());
      await this.jobs.deleteOne({ _id }).exec();
    }
  }

  /** Which of these job ids still exist. */
  async existingJobIds(ids: string[]): Promise<Set<string>> {
    if (ids.length === 0) return new Set();
    const found = await this.jobs.find({ _id: { $in: ids.map((id) => new Types.ObjectId(id)) } }).select({ _id: 1 }).lean<{ _id: Types.ObjectId }[]>().exec();
    return new Set(found.map(({ _id }) => _id.toHexString()));
  }

  /** Finished jobs of datasets that no longer exist (deleted with their owner, say), for the storage sweep. */
  async removeOrphanJobs(datasetIds: Set<string>): Promise<number> {
    const found = await this.jobs.find({ status: { $in: ['completed', 'failed'] } }).select({ _id: 1, datasetId: 1 }).lean<{ _id: Types.ObjectId; datasetId: string }[]>().exec();
    const orphans = found.filter((job) => !datasetIds.has(job.datasetId));
    for (const job of orphans) {
      await this.store.dropRejected(job._id.toHexString());
      await this.jobs.deleteOne({ _id: job._id }).exec();
    }
    return orphans.length;
  }

  /** Jobs of a deleted dataset go with it. */
  async removeForDataset(datasetId: string): Promise<void> {
    const found = await this.jobs.find({ datasetId }).select({ _id: 1 }).lean<{ _id: Types.ObjectId }[]>().exec();
    for (const { _id } of found) await this.store.dropRejected(_id.toHexString());
    await this.jobs.deleteMany({ datasetId, status: { $in: ['completed', 'failed'] } }).exec();
  }
}

/** A CSV header against an existing schema: every column a field, every required field a column. */
function checkHeader(header: string[], schema: StoredField[]): void {
  const names = new Set(schema.map((field) => field.name));
  const columns = header.filter((name) => !(REJECTED_COLUMNS as readonly string[]).includes(name));
  const unknown = columns.filter((name) => !names.has(name));
  if (unknown.length > 0) throw new DomainError(DatasetsErrors.badHeader, ErrorKind.FailedPrecondition, `Columns not in the dataset's schema: ${unknown.slice(0, 5).map((name) => shown(name)).join(', ')}`);
  const missing = schema.filter((field) => field.required && !columns.includes(field.name));
  if (missing.length > 0) throw new DomainError(DatasetsErrors.badHeader, ErrorKind.FailedPrecondition, `Required columns missing: ${missing.slice(0, 5).map((field) => field.name).join(', ')}`);
}

/** One execution of an import job: reading, validating, writing, counting. */
class ImportRun {
  readonly counts = { rowsRead: 0, rowsImported: 0, rowsRejected: 0 };
  schema: StoredField[];
  nextKey: number;
  private rows: RowSchema | null;
  private listed: Array<FieldProblem & { line: number }> = [];
  private batch: RowDocument[] = [];
  private batchBytes = 0;
  private rejected: RejectedRow[] = [];
  private rejectedBytes = 0;
  private columns: string[] = [];
  private bytesRead = () => 0;
  private lastProgress = 0;

  constructor(
    private readonly job: ImportJob,
    dataset: Dataset,
    private readonly version: number,
    private readonly store: RowStore,
    private readonly config: DataConfig,
    private readonly jobs: Model<ImportJob>,
  ) {
    this.schema = dataset.fields;
    this.nextKey = dataset.nextKey;
    this.rows = dataset.fields.length > 0 ? new RowSchema(dataset.fields, config.DATA_MAX_CELL_BYTES) : null;
    if (this.rows) this.columns = dataset.fields.map((field) => field.name);
    if (job.header) this.columns = job.header.filter((name) => !(REJECTED_COLUMNS as readonly string[]).includes(name));
  }

  progress() {
    return { ...this.counts, bytesRead: this.bytesRead(), problems: this.listed };
  }

  async execute(path: string, limits: { maxColumns: number; maxRecordBytes: number }): Promise<void> {
    const shape: FileShape = { format: this.job.format, header: this.job.header ?? null, ...(this.job.delimiter ? { delimiter: this.job.delimiter } : {}) };
    const stream = readRecords(path, shape, limits);
    this.bytesRead = stream.progress;
    const sample: SourceRecord[] = [];
    let sampleBytes = 0;
    for await (const record of stream.records) {
      if (++this.counts.rowsRead > this.config.DATA_MAX_ROWS) throw new JobFailed(DatasetsErrors.tooManyRows, `The file has more than ${this.config.DATA_MAX_ROWS} rows`);
      if (!this.rows) {
        sample.push(record);
        sampleBytes += record.values ? memorySize(record.values.values()) : 64;
        if (sample.length >= INFER_SAMPLE || sampleBytes >= BATCH_BYTES) await this.inferFrom(sample.splice(0), limits.maxColumns);
        continue;
      }
      await this.take(record);
    }
    if (!this.rows) await this.inferFrom(sample.splice(0), limits.maxColumns);
    await this.flush(true);
  }

  /** The schema of a first import, from its first records; then those records are taken like the rest. */
  private async inferFrom(sample: SourceRecord[], maxColumns: number): Promise<void> {
    const usable = sample.filter((record) => record.values).map((record) => record.values as Map<string, unknown>);
    // JSON keys become columns only when they are usable field names: a `__proto__` key stays an unknown field
    const columns = this.job.header ? this.columns : [...new Set(usable.flatMap((values) => [...values.keys()]))].filter((name) => DATA_FIELD_NAME_PATTERN.test(name));
    if (columns.length > maxColumns) throw new JobFailed(DatasetsErrors.tooManyColumns, `The records have ${columns.length} different keys; at most ${maxColumns} columns are accepted`);
    this.schema = inferSchema(columns, usable, this.nextKey);
    this.nextKey += columns.length;
    this.rows = new RowSchema(this.schema, this.config.DATA_MAX_CELL_BYTES);
    this.columns = columns;
    for (const record of sample) await this.take(record);
  }

  private async take(record: SourceRecord): Promise<void> {
    const rows = this.rows as RowSchema;
    const checked = record.values ? rows.validate(record.values) : { problems: [record.problem as FieldProblem] };
    if ('problems' in checked) {
      this.counts.rowsRejected++;
      const problems = checked.problems.slice(0, PROBLEMS_PER_ROW);
      for (const problem of problems) if (this.listed.length < IMPORT_ERRORS_LISTED) this.listed.push({ line: record.line, ...problem });
      const rejected: RejectedRow = {
        _id: this.counts.rowsRejected,
        line: record.line,
        values: this.columns.map((name) => {
          const value = record.values?.get(name);
          return value === undefined || value === null ? '' : typeof value === 'string' ? value : JSON.stringify(value);
        }),
        error: `${problems.map((problem) => problem.message).join('; ')}${checked.problems.length > PROBLEMS_PER_ROW ? `; and ${checked.problems.length - PROBLEMS_PER_ROW} more` : ''}`.slice(0, ERROR_TEXT_CHARS),
        ...(record.raw !== undefined ? { record: record.raw } : {}),
      };
      this.rejected.push(rejected);
      this.rejectedBytes += memorySize([...rejected.values, rejected.error, rejected.record ?? '']);
      if (this.rejected.length >= BATCH || this.rejectedBytes >= BATCH_BYTES) await this.flushRejected();
    } else if (this.job.mode === 'skip-invalid' || this.counts.rowsRejected === 0) {
      this.batch.push({ ...checked.row, _id: new Types.ObjectId() });
      this.batchBytes += memorySize(Object.values(checked.row));
      this.counts.rowsImported++;
      if (this.batch.length >= BATCH || this.batchBytes >= BATCH_BYTES) await this.flush(false);
    }
    if (Date.now() - this.lastProgress > PROGRESS_MS) await this.report();
  }

  private async flush(last: boolean): Promise<void> {
    if (this.batch.length > 0) {
      const batch = this.batch;
      this.batch = [];
      this.batchBytes = 0;
      // a strict import that has met an invalid row writes nothing more: it will not commit
      if (this.job.mode === 'skip-invalid' || this.counts.rowsRejected === 0) await this.store.rows(this.job.datasetId, this.version).insertMany(batch, { ordered: false });
    }
    if (last) await this.flushRejected();
    await this.report();
  }

  async flushRejected(): Promise<void> {
    if (this.rejected.length === 0) return;
    const rejected = this.rejected;
    this.rejected = [];
    this.rejectedBytes = 0;
    await this.store.rejected<RejectedRow>(this.job._id.toHexString()).insertMany(rejected, { ordered: false });
  }

  private async report(): Promise<void> {
    this.lastProgress = Date.now();
    const { matchedCount } = await this.jobs
      .updateOne({ _id: this.job._id, status: 'running' }, { $set: { ...this.progress(), columns: this.columns, leaseUntil: new Date(Date.now() + this.config.DATA_IMPORT_LEASE_MS) } })
      .exec();
    if (matchedCount === 0) throw new TakenOver();
  }
}
