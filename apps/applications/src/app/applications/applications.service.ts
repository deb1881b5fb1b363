import { Injectable, type OnModuleInit } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import {
  type Actor,
  type CreateApplicationDto,
  isAdmin,
  type ListApplicationsQueryDto,
  type Page,
  type ApplicationDto,
  ApplicationsEvents,
  APPLICATIONS_PAGE_DEFAULT_LIMIT,
  type UpdateApplicationCommand,
} from '@site11/contracts';
import { forbidden } from '@site11/auth';
import { KeysetPage, LIVE, OutboxRelay, outboxEvent, pushOutbox, withOutbox } from '@site11/persistence';
import { Model, Types } from 'mongoose';
import { Application } from './application.schema';
import { type StoredApplication, toApplicationDto } from './application.mapper';
import { ApplicationNotFoundError } from './applications.errors';

/**
 * `?q=` as a range on the lower-cased name: what an anchored regex becomes in MongoDB's index scan,
 * and what FerretDB (no regex pushdown) evaluates about twice as fast as the regex.
 */
function prefixOf(q: string | undefined): { nameLower?: { $gte: string; $lt: string } } {
  if (!q) return {};
  const prefix = q.toLowerCase();
  return { nameLower: { $gte: prefix, $lt: `${prefix}\uffff` } };
}

/**
 * The life of an application: created by a signed-in user, who owns it; read, changed and deleted
 * by its owner or an admin; removed with its owner's account (`users.deleted`). Whose it is, is
 * checked here: the gateway cannot know, and a service never trusts that it was asked correctly.
 * Each change and its event (`applications.application.created`, `.updated`, `.deleted`) are one write;
 * the outbox relay publishes the event after it. A database outage leaves every method as
 * SERVICE_UNAVAILABLE (PersistenceModule's interceptor), so none wraps its queries.
 */
@Injectable()
export class ApplicationsService implements OnModuleInit {
  constructor(
    @InjectModel(Application.name) private readonly applications: Model<Application>,
    private readonly outbox: OutboxRelay,
  ) {}

  /** Indexes must exist before the first write; the relay sweeps what a crash left unpublished. */
  async onModuleInit(): Promise<void> {
    await this.applications.init();
    this.outbox.watch(this.applications);
  }

  /** Creates an application of the caller and its `applications.application.created` event in one insert, then publishes the event. */
  async create(dto: CreateApplicationDto, actor: Actor, requestId = 'applications'): Promise<ApplicationDto> {
    const _id = new Types.ObjectId();
    const event = outboxEvent(ApplicationsEvents.created, { id: _id.toHexString(), ownerId: actor.sub, name: dto.name }, requestId);
    const created = await this.applications.create({
      _id,
      ownerId: actor.sub,
      name: dto.name,
      nameLower: dto.name.toLowerCase(),
      description: dto.description ?? '',
      ...withOutbox(event),
    });
    const { outbox: _outbox, outboxAt: _at, outboxLast: _last, nameLower: _lower, ...stored } = created.toObject();
    await this.outbox.publishOrDefer(this.applications, _id, [event]);
    return toApplicationDto(stored);
  }

  /**
   * One page of applications: the caller's own; everyone's with `scope=all`, one user's with
   * `ownerId`, both for admins only; with `q`, those whose name starts with it (any case).
   */
  async list(query: ListApplicationsQueryDto, actor: Actor): Promise<Page<ApplicationDto>> {
    const ownerId = this.listedOwner(query, actor);
    const page = new KeysetPage(query, APPLICATIONS_PAGE_DEFAULT_LIMIT);
    // one plain filter: FerretDB pushes it down to SQL, an $and it does not
    const filter = { ...LIVE, ...page.filter, ...(ownerId ? { ownerId } : {}), ...prefixOf(query.q) };
    const found = await this.applications.find(filter).sort({ _id: 1 }).limit(page.fetch).lean<StoredApplication[]>().exec();
    return page.page(found, toApplicationDto);
  }

  async findById(id: string, actor: Actor): Promise<ApplicationDto> {
    return toApplicationDto(await this.owned(id, actor));
  }

  /** Renames or describes the application, with its `applications.application.updated` event in the same update. */
  async update(command: UpdateApplicationCommand, actor: Actor, requestId = 'applications'): Promise<ApplicationDto> {
    const { _id, ownerId } = await this.owned(command.id, actor);
    const set: Record<string, unknown> = {};
    if (command.name !== undefined) Object.assign(set, { name: command.name, nameLower: command.name.toLowerCase() });
    if (command.description !== undefined) set['description'] = command.description;
    const changed = Object.keys(set).filter((field) => field !== 'nameLower');
    if (changed.length > 0) {
      const event = outboxEvent(ApplicationsEvents.updated, { id: command.id, ownerId, changed }, requestId);
      const { matchedCount } = await this.applications.updateOne({ _id, ...LIVE }, pushOutbox(event, set), { runValidators: true }).exec();
      if (matchedCount === 0) throw new ApplicationNotFoundError(command.id);
      await this.outbox.publishOrDefer(this.applications, _id);
    }
    return this.findById(command.id, actor);
  }

  /**
   * Marks the application deleted and records `applications.application.deleted` in one update, then
   * publishes the event, which also removes the document.
   */
  async remove(id: string, actor: Actor, requestId = 'applications'): Promise<void> {
    const application = await this.owned(id, actor, { tombstone: true });
    // a redelivered delete whose first run crashed before publishing finds its own tombstone
    if (application.deletedAt) return this.outbox.publishOrDefer(this.applications, application._id);
    await this.tombstone(application._id, application.ownerId, requestId);
  }

  /**
   * What happens to a deleted user's applications: they are removed, not anonymised (they were
   * theirs alone; kept without an owner, nobody could use them). Each goes as its owner's delete
   * would, with its `applications.application.deleted` event. A redelivered `users.deleted` finds only
   * what is still live, so it is harmless. Returns how many were removed by this run.
   */
  async removeOwnedBy(ownerId: string, requestId = 'applications'): Promise<number> {
    let removed = 0;
    for (;;) {
      const batch = await this.applications.find({ ownerId, ...LIVE }).select('_id').limit(100).lean<{ _id: Types.ObjectId }[]>().exec();
      if (batch.length === 0) return removed;
      for (const { _id } of batch) removed += await this.tombstone(_id, ownerId, requestId);
    }
  }

  /** Whose applications a list shows: the caller's; anyone's (`scope=all`) or one user's (`ownerId`) only to an admin. */
  private listedOwner({ scope, ownerId }: ListApplicationsQueryDto, actor: Actor): string | undefined {
    if (scope !== 'all' && ownerId === undefined) return actor.sub;
    if (!isAdmin(actor)) throw forbidden('Only an admin can list other users’ applications');
    return ownerId;
  }

  /** The application, if the caller owns it or is an admin; a tombstone only when asked for. */
  private async owned(id: string, actor: Actor, options: { tombstone?: boolean } = {}): Promise<Application> {
    const filter = { _id: new Types.ObjectId(id), ...(options.tombstone ? {} : LIVE) };
    const application = await this.applications.findOne(filter).lean<Application>().exec();
    if (!application) throw new ApplicationNotFoundError(id);
    if (application.ownerId !== actor.sub && !isAdmin(actor)) throw forbidden('This application belongs to someone else');
    return application;
  }

  /** Marks one application deleted with its event, then publishes; 1 if this call deleted it. */
  private async tombstone(_id: Types.ObjectId, ownerId: string, requestId: string): Promise<number> {
    const event = outboxEvent(ApplicationsEvents.deleted, { id: _id.toHexString(), ownerId }, requestId);
    const { modifiedCount } = await this.applications.updateOne({ _id, ...LIVE }, pushOutbox(event, { deletedAt: event.occurredAt })).exec();
    // from the document: an earlier event still waiting there goes out first, in order
    await this.outbox.publishOrDefer(this.applications, _id);
    return modifiedCount;
  }
}
