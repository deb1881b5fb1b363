import { Injectable, type OnModuleInit } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import {
  type Actor,
  type CreateReportDto,
  isAdmin,
  type ListReportsQueryDto,
  type Page,
  type ReportDto,
  ReportsEvents,
  REPORTS_PAGE_DEFAULT_LIMIT,
  type UpdateReportCommand,
} from '@site11/contracts';
import { forbidden, listedOwner } from '@site11/auth';
import { KeysetPage, LIVE, OutboxRelay, outboxEvent, prefixRange, pushOutbox, withOutbox } from '@site11/persistence';
import { Model, Types } from 'mongoose';
import { Report } from './report.schema';
import { type StoredReport, toReportDto } from './report.mapper';
import { ReportNotFoundError } from './reports.errors';

/**
 * The life of a report: created by a signed-in user, who owns it; read, changed and deleted
 * by its owner or an admin; removed with its owner's account (`users.deleted`). Whose it is, is
 * checked here: the gateway cannot know, and a service never trusts that it was asked correctly.
 * Each change and its event (`statistics.report.created`, `.updated`, `.deleted`) are one write;
 * the outbox relay publishes the event after it. A database outage leaves every method as
 * SERVICE_UNAVAILABLE (PersistenceModule's interceptor), so none wraps its queries.
 */
@Injectable()
export class ReportsService implements OnModuleInit {
  constructor(
    @InjectModel(Report.name) private readonly reports: Model<Report>,
    private readonly outbox: OutboxRelay,
  ) {}

  /** Indexes must exist before the first write; the relay sweeps what a crash left unpublished. */
  async onModuleInit(): Promise<void> {
    await this.reports.init();
    this.outbox.watch(this.reports);
  }

  /** Creates a report of the caller and its `statistics.report.created` event in one insert, then publishes the event. */
  async create(dto: CreateReportDto, actor: Actor, requestId = 'statistics'): Promise<ReportDto> {
    const _id = new Types.ObjectId();
    const event = outboxEvent(ReportsEvents.created, { id: _id.toHexString(), ownerId: actor.sub, name: dto.name }, requestId);
    const created = await this.reports.create({
      _id,
      ownerId: actor.sub,
      name: dto.name,
      nameLower: dto.name.toLowerCase(),
      description: dto.description ?? '',
      ...withOutbox(event),
    });
    const { outbox: _outbox, outboxAt: _at, outboxLast: _last, nameLower: _lower, ...stored } = created.toObject();
    await this.outbox.publishOrDefer(this.reports, _id, [event]);
    return toReportDto(stored);
  }

  /**
   * One page of reports: the caller's own; everyone's with `scope=all`, one user's with
   * `ownerId`, both for admins only; with `q`, those whose name starts with it (any case).
   */
  async list(query: ListReportsQueryDto, actor: Actor): Promise<Page<ReportDto>> {
    const ownerId = listedOwner(query, actor, 'reports');
    const page = new KeysetPage(query, REPORTS_PAGE_DEFAULT_LIMIT);
    // one plain filter: FerretDB pushes it down to SQL, an $and it does not
    const filter = { ...LIVE, ...page.filter, ...(ownerId ? { ownerId } : {}), ...prefixRange('nameLower', query.q) };
    const found = await this.reports.find(filter).sort({ _id: 1 }).limit(page.fetch).lean<StoredReport[]>().exec();
    return page.page(found, toReportDto);
  }

  async findById(id: string, actor: Actor): Promise<ReportDto> {
    return toReportDto(await this.owned(id, actor));
  }

  /** Renames or describes the report, with its `statistics.report.updated` event in the same update. */
  async update(command: UpdateReportCommand, actor: Actor, requestId = 'statistics'): Promise<ReportDto> {
    const { _id, ownerId } = await this.owned(command.id, actor);
    const set: Record<string, unknown> = {};
    if (command.name !== undefined) Object.assign(set, { name: command.name, nameLower: command.name.toLowerCase() });
    if (command.description !== undefined) set['description'] = command.description;
    const changed = Object.keys(set).filter((field) => field !== 'nameLower');
    if (changed.length > 0) {
      const event = outboxEvent(ReportsEvents.updated, { id: command.id, ownerId, changed }, requestId);
      const { matchedCount } = await this.reports.updateOne({ _id, ...LIVE }, pushOutbox(event, set), { runValidators: true }).exec();
      if (matchedCount === 0) throw new ReportNotFoundError(command.id);
      await this.outbox.publishOrDefer(this.reports, _id);
    }
    return this.findById(command.id, actor);
  }

  /**
   * Marks the report deleted and records `statistics.report.deleted` in one update, then
   * publishes the event, which also removes the document.
   */
  async remove(id: string, actor: Actor, requestId = 'statistics'): Promise<void> {
    const report = await this.owned(id, actor, { tombstone: true });
    // a redelivered delete whose first run crashed before publishing finds its own tombstone
    if (report.deletedAt) return this.outbox.publishOrDefer(this.reports, report._id);
    await this.tombstone(report._id, report.ownerId, requestId);
  }

  /**
   * What happens to a deleted user's reports: they are removed, not anonymised (they were
   * theirs alone; kept without an owner, nobody could use them). Each goes as its owner's delete
   * would, with its `statistics.report.deleted` event. A redelivered `users.deleted` finds only
   * what is still live, so it is harmless. Returns how many were removed by this run.
   */
  async removeOwnedBy(ownerId: string, requestId = 'statistics'): Promise<number> {
    let removed = 0;
    for (;;) {
      const batch = await this.reports.find({ ownerId, ...LIVE }).select('_id').limit(100).lean<{ _id: Types.ObjectId }[]>().exec();
      if (batch.length === 0) return removed;
      for (const { _id } of batch) removed += await this.tombstone(_id, ownerId, requestId);
    }
  }

  /** The report, if the caller owns it or is an admin; a tombstone only when asked for. */
  private async owned(id: string, actor: Actor, options: { tombstone?: boolean } = {}): Promise<Report> {
    const filter = { _id: new Types.ObjectId(id), ...(options.tombstone ? {} : LIVE) };
    const report = await this.reports.findOne(filter).lean<Report>().exec();
    if (!report) throw new ReportNotFoundError(id);
    if (report.ownerId !== actor.sub && !isAdmin(actor)) throw forbidden('This report belongs to someone else');
    return report;
  }

  /** Marks one report deleted with its event, then publishes; 1 if this call deleted it. */
  private async tombstone(_id: Types.ObjectId, ownerId: string, requestId: string): Promise<number> {
    const event = outboxEvent(ReportsEvents.deleted, { id: _id.toHexString(), ownerId }, requestId);
    const { modifiedCount } = await this.reports.updateOne({ _id, ...LIVE }, pushOutbox(event, { deletedAt: event.occurredAt })).exec();
    // from the document: an earlier event still waiting there goes out first, in order
    await this.outbox.publishOrDefer(this.reports, _id);
    return modifiedCount;
  }
}
