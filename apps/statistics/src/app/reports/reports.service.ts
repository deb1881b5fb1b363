import { Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import {
  type Actor,
  type CreateReportDto,
  isAdmin,
  type ListReportsQueryDto,
  type Page,
  type ReportDto,
  type ReportFile,
  type ReportKind,
  ReportsErrors,
  ReportsEvents,
  REPORTS_PAGE_DEFAULT_LIMIT,
} from '@site11/contracts';
import { forbidden, listedOwner } from '@site11/auth';
import { findLiveById, KeysetPage, LIVE, OutboxRelay, outboxEvent, pushOutbox, withOutbox } from '@site11/persistence';
import { Model, Types } from 'mongoose';
import { randomUUID } from 'node:crypto';
import { AnalyticsService } from '../counting/analytics.service';
import { type MetricDefinition, METRICS } from '../counting/metric-catalog';
import { DAY, floorTo, HOUR, slotsOf, sourceIntervalFor } from '../counting/time-slots';
import { StatisticsConfig } from '../statistics.config';
import { Report } from './report.schema';
import { type StoredReport, toReportDto } from './report.mapper';
import { REPORT_CONTENT_TYPES, type ReportTable, ReportTooLargeError, writeReport } from './report-writer';
import { invalidReportRange, ReportNotFoundError, reportNotReady, tooManyReports } from './reports.errors';

const MAX_RANGE_MS = 366 * DAY;
const MAX_ATTEMPTS = 3;
const POLL_MS = 1_000;

/** The metrics of each kind of report, in column order. */
const KIND_METRICS: Record<ReportKind, string[]> = {
  usage: [],
  activity: ['users.created', 'oauth.login.succeeded', 'oauth.login.failed', 'oauth.grant.created', 'oauth.grant.revoked', 'applications.created', 'applications.config.published', 'users.deleted'],
  storage: ['images.image.uploaded.bytes', 'images.image.deleted.bytes', 'images.storage.bytes', 'data.import.completed.rows', 'data.datasets.total'],
};

function metricsOf(kind: ReportKind): MetricDefinition[] {
  if (kind === 'usage') return [...METRICS.values()].filter((metric) => metric.kind === 'counter' && metric.unit === 'count' && metric.terms.length === 1);
  return KIND_METRICS[kind].flatMap((name) => METRICS.get(name) ?? []);
}

/**
 * Reports: asked for (202, `queued`), generated in the background by whichever instance takes
 * the job (a lease, renewed while it runs, so a job of a dead instance is taken over), stored with
 * the job (`completed`, or `failed` with a code), downloaded by their owner or an admin. An
 * admin's report covers everyone's events, anyone else's only their own.
 */
@Injectable()
export class ReportsService implements OnModuleInit, OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(ReportsService.name);
  private readonly holder = randomUUID();
  private timer?: NodeJS.Timeout;
  private working?: Promise<void>;
  private stopped = false;

  constructor(
    @InjectModel(Report.name) private readonly reports: Model<Report>,
    private readonly outbox: OutboxRelay,
    private readonly analytics: AnalyticsService,
    private readonly config: StatisticsConfig,
  ) {}

  /** Indexes must exist before the first write; the relay sweeps what a crash left unpublished. */
  async onModuleInit(): Promise<void> {
    await this.reports.init();
    this.outbox.watch(this.reports);
  }

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => this.wake(), POLL_MS);
    this.timer.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    await this.working?.catch(() => undefined);
  }

  /** Queues a report of the caller, with its `statistics.report.created` event in the same insert. */
  async create(dto: CreateReportDto, actor: Actor, requestId = 'statistics'): Promise<ReportDto> {
    const from = Date.parse(dto.from);
    const to = Date.parse(dto.to);
    if (!(from < to)) throw invalidReportRange('`from` must be before `to`');
    if (to - from > MAX_RANGE_MS) throw invalidReportRange('A report covers at most 366 days');
    const open = await this.reports.countDocuments({ ownerId: actor.sub, status: { $in: ['queued', 'running'] }, ...LIVE }).exec();
    if (open >= this.config.STATISTICS_MAX_REPORTS_PER_USER) throw tooManyReports(this.config.STATISTICS_MAX_REPORTS_PER_USER);
    const _id = new Types.ObjectId();
    const event = outboxEvent(ReportsEvents.created, { id: _id.toHexString(), ownerId: actor.sub, kind: dto.kind, format: dto.format }, requestId);
    const day = (t: number) => new Date(t).toISOString().slice(0, 10);
    const created = await this.reports.create({
      _id,
      ownerId: actor.sub,
      everyone: isAdmin(actor),
      kind: dto.kind,
      format: dto.format,
      from: new Date(from),
      to: new Date(to),
      status: 'queued',
      filename: `${dto.kind}-${day(from)}-${day(to - 1)}.${dto.format}`,
      ...withOutbox(event),
    });
    const { outbox: _outbox, outboxAt: _at, outboxLast: _last, content: _content, ...stored } = created.toObject();
    await this.outbox.publishOrDefer(this.reports, _id, [event]);
    this.wake();
    return toReportDto(stored);
  }

  async list(query: ListReportsQueryDto, actor: Actor): Promise<Page<ReportDto>> {
    const ownerId = listedOwner(query, actor, 'reports');
    const page = new KeysetPage(query, REPORTS_PAGE_DEFAULT_LIMIT);
    const filter = { ...LIVE, ...page.filter, ...(ownerId ? { ownerId } : {}) };
    const found = await this.reports.find(filter).sort({ _id: 1 }).limit(page.fetch).lean<StoredReport[]>().exec();
    return page.page(found, toReportDto);
  }

  async findById(id: string, actor: Actor): Promise<ReportDto> {
    return toReportDto(await this.owned(id, actor));
  }

  async download(id: string, actor: Actor): Promise<ReportFile> {
    const report = await this.owned(id, actor);
    if (report.status !== 'completed') throw reportNotReady(report.status);
    const stored = await findLiveById<Report>(this.reports, report._id, '+content');
    if (!stored?.content) throw new ReportNotFoundError(id);
    const content = Buffer.isBuffer(stored.content) ? stored.content : Buffer.from((stored.content as unknown as { buffer: Uint8Array }).buffer);
    return { filename: report.filename, contentType: REPORT_CONTENT_TYPES[report.format], body: content.toString('base64') };
  }

  async remove(id: string, actor: Actor, requestId = 'statistics'): Promise<void> {
    const report = await this.owned(id, actor, { tombstone: true });
    if (report.deletedAt) return this.outbox.publishOrDefer(this.reports, report._id);
    await this.tombstone(report._id, report.ownerId, requestId);
  }

  /** A deleted user's reports go with the account (each with its `statistics.report.deleted`). */
  async removeOwnedBy(ownerId: string, requestId = 'statistics'): Promise<number> {
    let removed = 0;
    for (;;) {
      const batch = await this.reports.find({ ownerId, ...LIVE }).select('_id').limit(100).lean<{ _id: Types.ObjectId }[]>().exec();
      if (batch.length === 0) return removed;
      for (const { _id } of batch) removed += await this.tombstone(_id, ownerId, requestId);
    }
  }

  /** Runs queued jobs (and jobs whose runner's lease ran out) until none is left. */
  wake(): void {
    if (this.working || this.stopped) return;
    this.working = this.work()
      .catch((error: unknown) => this.logger.warn(`Report runner: ${(error as Error).message}`))
      .finally(() => (this.working = undefined));
  }

  private async work(): Promise<void> {
    while (!this.stopped) {
      const job = await this.claim();
      if (!job) return;
      await this.run(job);
    }
  }

  /** Takes one job: queued, or running under a lease that ran out (its instance died). */
  private async claim(): Promise<Report | null> {
    const now = new Date();
    const candidates = await this.reports
      .find({ ...LIVE, $or: [{ status: 'queued' }, { status: 'running', leaseUntil: { $lt: now } }] })
      .sort({ _id: 1 })
      .limit(5)
      .lean<Report[]>()
      .exec();
    for (const candidate of candidates) {
      // compare-and-set on what was read: one instance wins each job
      const { modifiedCount } = await this.reports
        .updateOne(
          { _id: candidate._id, status: candidate.status, holder: candidate.holder, attempts: candidate.attempts },
          { $set: { status: 'running', holder: this.holder, leaseUntil: new Date(Date.now() + this.config.STATISTICS_REPORT_LEASE_MS) }, $inc: { attempts: 1 } },
        )
        .exec();
      if (modifiedCount === 1) return { ...candidate, attempts: candidate.attempts + 1 };
    }
    return null;
  }

  private async run(job: Report): Promise<void> {
    if (job.attempts > MAX_ATTEMPTS) return this.finish(job, { failure: { code: ReportsErrors.reportError, message: `Gave up after ${MAX_ATTEMPTS} attempts` } });
    const renew = setInterval(() => {
      void this.reports
        .updateOne({ _id: job._id, holder: this.holder }, { $set: { leaseUntil: new Date(Date.now() + this.config.STATISTICS_REPORT_LEASE_MS) } })
        .exec()
        .catch(() => undefined);
    }, this.config.STATISTICS_REPORT_LEASE_MS / 3);
    try {
      const content = await writeReport(await this.table(job), job.format, this.config.STATISTICS_REPORT_MAX_BYTES);
      await this.finish(job, { content });
    } catch (error) {
      const failure =
        error instanceof ReportTooLargeError
          ? { code: ReportsErrors.reportTooLarge, message: error.message }
          : { code: ReportsErrors.reportError, message: 'The report could not be generated' };
      if (!(error instanceof ReportTooLargeError)) this.logger.error(`Report ${job._id.toHexString()} failed: ${(error as Error).stack ?? error}`);
      await this.finish(job, { failure });
    } finally {
      clearInterval(renew);
    }
  }

  /** The numbers: per day, or per hour for ranges of two days or less whose hours are still kept. */
  async table(job: Pick<Report, 'kind' | 'from' | 'to' | 'everyone' | 'ownerId'>, now = Date.now()): Promise<ReportTable> {
    const from = job.from.getTime();
    const to = job.to.getTime();
    const hourly = to - from <= 2 * DAY && from >= floorTo(now, DAY) - this.config.STATISTICS_HOUR_RETENTION_DAYS * DAY;
    const interval = hourly ? 'hour' : 'day';
    const boundaries = slotsOf(floorTo(from, hourly ? HOUR : DAY), to, interval, 'UTC', 400);
    const source = sourceIntervalFor(boundaries, interval);
    const owner = job.everyone ? undefined : job.ownerId;
    const metrics = metricsOf(job.kind);
    const values: number[][] = [];
    for (const metric of metrics) {
      values.push((await this.analytics.slotValues(metric, boundaries, source, owner)).get('\u0000all') ?? new Array<number>(boundaries.length - 1).fill(0));
    }
    return {
      kind: job.kind,
      from,
      to,
      interval,
      scope: job.everyone ? 'all users' : `user ${job.ownerId}`,
      generatedAt: now,
      metrics,
      slots: boundaries.slice(0, -1),
      values,
    };
  }

  /** Stores the outcome if this instance still holds the job, with `statistics.report.completed`. */
  private async finish(job: Report, outcome: { content?: Buffer; failure?: { code: string; message: string } }): Promise<void> {
    const status = outcome.content ? 'completed' : 'failed';
    const bytes = outcome.content?.length ?? 0;
    const event = outboxEvent(ReportsEvents.completed, { id: job._id.toHexString(), ownerId: job.ownerId, status, bytes }, 'statistics');
    const { modifiedCount } = await this.reports
      .updateOne(
        { _id: job._id, holder: this.holder, status: 'running' },
        pushOutbox(event, {
          status,
          bytes,
          failure: outcome.failure ?? null,
          completedAt: new Date(),
          leaseUntil: null,
          ...(outcome.content ? { content: outcome.content } : {}),
        }),
      )
      .exec();
    if (modifiedCount === 1) await this.outbox.publishOrDefer(this.reports, job._id);
  }

  private async owned(id: string, actor: Actor, options: { tombstone?: boolean } = {}): Promise<Report> {
    const filter = { _id: new Types.ObjectId(id), ...(options.tombstone ? {} : LIVE) };
    const report = await this.reports.findOne(filter).lean<Report>().exec();
    if (!report) throw new ReportNotFoundError(id);
    if (report.ownerId !== actor.sub && !isAdmin(actor)) throw forbidden('This report belongs to someone else');
    return report;
  }

  private async tombstone(_id: Types.ObjectId, ownerId: string, requestId: string): Promise<number> {
    const event = outboxEvent(ReportsEvents.deleted, { id: _id.toHexString(), ownerId }, requestId);
    const { modifiedCount } = await this.reports.updateOne({ _id, ...LIVE }, pushOutbox(event, { deletedAt: event.occurredAt })).exec();
    await this.outbox.publishOrDefer(this.reports, _id);
    return modifiedCount;
  }
}
