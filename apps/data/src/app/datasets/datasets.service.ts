import { Injectable, type OnModuleInit } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import {
  type Actor,
  type CreateDatasetDto,
  isAdmin,
  type ListDatasetsQueryDto,
  type Page,
  type DatasetDto,
  DatasetsEvents,
  DATASETS_PAGE_DEFAULT_LIMIT,
  type UpdateDatasetCommand,
} from '@site11/contracts';
import { forbidden, listedOwner } from '@site11/auth';
import { KeysetPage, LIVE, OutboxRelay, outboxEvent, prefixRange, pushOutbox, withOutbox } from '@site11/persistence';
import { Model, Types } from 'mongoose';
import { Dataset } from './dataset.schema';
import { type StoredDataset, toDatasetDto } from './dataset.mapper';
import { DatasetNotFoundError } from './datasets.errors';

/**
 * The life of a dataset: created by a signed-in user, who owns it; read, changed and deleted
 * by its owner or an admin; removed with its owner's account (`users.deleted`). Whose it is, is
 * checked here: the gateway cannot know, and a service never trusts that it was asked correctly.
 * Each change and its event (`data.dataset.created`, `.updated`, `.deleted`) are one write;
 * the outbox relay publishes the event after it. A database outage leaves every method as
 * SERVICE_UNAVAILABLE (PersistenceModule's interceptor), so none wraps its queries.
 */
@Injectable()
export class DatasetsService implements OnModuleInit {
  constructor(
    @InjectModel(Dataset.name) private readonly datasets: Model<Dataset>,
    private readonly outbox: OutboxRelay,
  ) {}

  /** Indexes must exist before the first write; the relay sweeps what a crash left unpublished. */
  async onModuleInit(): Promise<void> {
    await this.datasets.init();
    this.outbox.watch(this.datasets);
  }

  /** Creates a dataset of the caller and its `data.dataset.created` event in one insert, then publishes the event. */
  async create(dto: CreateDatasetDto, actor: Actor, requestId = 'data'): Promise<DatasetDto> {
    const _id = new Types.ObjectId();
    const event = outboxEvent(DatasetsEvents.created, { id: _id.toHexString(), ownerId: actor.sub, name: dto.name }, requestId);
    const created = await this.datasets.create({
      _id,
      ownerId: actor.sub,
      name: dto.name,
      nameLower: dto.name.toLowerCase(),
      description: dto.description ?? '',
      ...withOutbox(event),
    });
    const { outbox: _outbox, outboxAt: _at, outboxLast: _last, nameLower: _lower, ...stored } = created.toObject();
    await this.outbox.publishOrDefer(this.datasets, _id, [event]);
    return toDatasetDto(stored);
  }

  /**
   * One page of datasets: the caller's own; everyone's with `scope=all`, one user's with
   * `ownerId`, both for admins only; with `q`, those whose name starts with it (any case).
   */
  async list(query: ListDatasetsQueryDto, actor: Actor): Promise<Page<DatasetDto>> {
    const ownerId = listedOwner(query, actor, 'datasets');
    const page = new KeysetPage(query, DATASETS_PAGE_DEFAULT_LIMIT);
    // one plain filter: FerretDB pushes it down to SQL, an $and it does not
    const filter = { ...LIVE, ...page.filter, ...(ownerId ? { ownerId } : {}), ...prefixRange('nameLower', query.q) };
    const found = await this.datasets.find(filter).sort({ _id: 1 }).limit(page.fetch).lean<StoredDataset[]>().exec();
    return page.page(found, toDatasetDto);
  }

  async findById(id: string, actor: Actor): Promise<DatasetDto> {
    return toDatasetDto(await this.owned(id, actor));
  }

  /** Renames or describes the dataset, with its `data.dataset.updated` event in the same update. */
  async update(command: UpdateDatasetCommand, actor: Actor, requestId = 'data'): Promise<DatasetDto> {
    const { _id, ownerId } = await this.owned(command.id, actor);
    const set: Record<string, unknown> = {};
    if (command.name !== undefined) Object.assign(set, { name: command.name, nameLower: command.name.toLowerCase() });
    if (command.description !== undefined) set['description'] = command.description;
    const changed = Object.keys(set).filter((field) => field !== 'nameLower');
    if (changed.length > 0) {
      const event = outboxEvent(DatasetsEvents.updated, { id: command.id, ownerId, changed }, requestId);
      const { matchedCount } = await this.datasets.updateOne({ _id, ...LIVE }, pushOutbox(event, set), { runValidators: true }).exec();
      if (matchedCount === 0) throw new DatasetNotFoundError(command.id);
      await this.outbox.publishOrDefer(this.datasets, _id);
    }
    return this.findById(command.id, actor);
  }

  /**
   * Marks the dataset deleted and records `data.dataset.deleted` in one update, then
   * publishes the event, which also removes the document.
   */
  async remove(id: string, actor: Actor, requestId = 'data'): Promise<void> {
    const dataset = await this.owned(id, actor, { tombstone: true });
    // a redelivered delete whose first run crashed before publishing finds its own tombstone
    if (dataset.deletedAt) return this.outbox.publishOrDefer(this.datasets, dataset._id);
    await this.tombstone(dataset._id, dataset.ownerId, requestId);
  }

  /**
   * What happens to a deleted user's datasets: they are removed, not anonymised (they were
   * theirs alone; kept without an owner, nobody could use them). Each goes as its owner's delete
   * would, with its `data.dataset.deleted` event. A redelivered `users.deleted` finds only
   * what is still live, so it is harmless. Returns how many were removed by this run.
   */
  async removeOwnedBy(ownerId: string, requestId = 'data'): Promise<number> {
    let removed = 0;
    for (;;) {
      const batch = await this.datasets.find({ ownerId, ...LIVE }).select('_id').limit(100).lean<{ _id: Types.ObjectId }[]>().exec();
      if (batch.length === 0) return removed;
      for (const { _id } of batch) removed += await this.tombstone(_id, ownerId, requestId);
    }
  }

  /** The dataset, if the caller owns it or is an admin; a tombstone only when asked for. */
  private async owned(id: string, actor: Actor, options: { tombstone?: boolean } = {}): Promise<Dataset> {
    const filter = { _id: new Types.ObjectId(id), ...(options.tombstone ? {} : LIVE) };
    const dataset = await this.datasets.findOne(filter).lean<Dataset>().exec();
    if (!dataset) throw new DatasetNotFoundError(id);
    if (dataset.ownerId !== actor.sub && !isAdmin(actor)) throw forbidden('This dataset belongs to someone else');
    return dataset;
  }

  /** Marks one dataset deleted with its event, then publishes; 1 if this call deleted it. */
  private async tombstone(_id: Types.ObjectId, ownerId: string, requestId: string): Promise<number> {
    const event = outboxEvent(DatasetsEvents.deleted, { id: _id.toHexString(), ownerId }, requestId);
    const { modifiedCount } = await this.datasets.updateOne({ _id, ...LIVE }, pushOutbox(event, { deletedAt: event.occurredAt })).exec();
    // from the document: an earlier event still waiting there goes out first, in order
    await this.outbox.publishOrDefer(this.datasets, _id);
    return modifiedCount;
  }
}
