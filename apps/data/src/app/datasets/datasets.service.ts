import { Injectable, type OnModuleInit } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import {
  type Actor,
  type CreateDatasetDto,
  type DatasetVersionListDto,
  DatasetsErrors,
  type DataFieldDto,
  DomainError,
  ErrorKind,
  type RollbackCommand,
  type SchemaCommand,
  isAdmin,
  type ListDatasetsQueryDto,
  type Page,
  type DatasetDto,
  DatasetsEvents,
  DATASETS_PAGE_DEFAULT_LIMIT,
  type UpdateDatasetCommand,
} from '@site11/contracts';
import { forbidden, listedOwner } from '@site11/auth';
import { findLiveById, KeysetPage, LIVE, OutboxRelay, type OutboxEvent, outboxEvent, prefixRange, pushOutbox, withOutbox } from '@site11/persistence';
import { Model, Types } from 'mongoose';
import { DataConfig } from '../data.config';
import { RowStore } from '../rows/row-store';
import { patternError, type StoredField } from '../schema/field-rules';
import { RowSchema } from '../schema/row-schema';
import { Dataset, type StoredVersion } from './dataset.schema';
import { type StoredDataset, toDatasetDto, toVersionDto } from './dataset.mapper';
import { DatasetNotFoundError, schemaConflict } from './datasets.errors';

/** A new current version, as an import or a transformation made it. */
export interface NextVersion {
  version: number;
  source: StoredVersion['source'];
  rowCount: number;
  schema: StoredField[];
  nextKey: number;
}

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
    private readonly store: RowStore,
    private readonly config: DataConfig,
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
    const { outbox: _outbox, outboxAt: _at, outboxLast: _last, nameLower: _lower, ...stored } = created.toObject() as Dataset;
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
  async removeOwnedBy(ownerId: string, requestId = 'data', removedOne: (id: string) => Promise<void> = async () => undefined): Promise<number> {
    let removed = 0;
    for (;;) {
      const batch = await this.datasets.find({ ownerId, ...LIVE }).select('_id').limit(100).lean<{ _id: Types.ObjectId }[]>().exec();
      if (batch.length === 0) return removed;
      for (const { _id } of batch) {
        removed += await this.tombstone(_id, ownerId, requestId);
        await removedOne(_id.toHexString());
      }
    }
  }

  /** The dataset, if the caller owns it or is an admin; a tombstone only when asked for. */
  async owned(id: string, actor: Actor, options: { tombstone?: boolean } = {}): Promise<Dataset> {
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
    if (modifiedCount > 0) await this.dropAllRows(_id.toHexString());
    return modifiedCount;
  }

  /** Every row collection of a dataset (a crash before this leaves them to the storage sweep). */
  async dropAllRows(datasetId: string): Promise<void> {
    const { rows } = await this.store.inventory();
    for (const version of rows.get(datasetId) ?? []) await this.store.dropRows(datasetId, version);
  }

  /**
   * Replaces the schema. Before the first import, any valid fields (imports then validate
   * against them instead of inferring). After it, the same field names, each keeping its type
   * (or integer widened to number) with new constraints, which every row of the current
   * version must satisfy (else 422 DATA.SCHEMA_CONFLICT, naming the first offending rows);
   * renames, type conversions, new and dropped fields are transformations, which make versions.
   */
  async replaceSchema(command: SchemaCommand, actor: Actor, requestId = 'data'): Promise<DatasetDto> {
    const dataset = await this.owned(command.id, actor);
    checkFields(command.fields);
    let schema: StoredField[];
    let nextKey = dataset.nextKey;
    if (dataset.version === 0) {
      schema = command.fields.map((field) => ({ ...field, key: `f${nextKey++}` }));
    } else {
      const current = new Map(dataset.fields.map((field) => [field.name, field]));
      const given = new Set(command.fields.map((field) => field.name));
      const missing = [...current.keys()].filter((name) => !given.has(name));
      const added = [...given].filter((name) => !current.has(name));
      if (missing.length > 0 || added.length > 0) {
        throw schemaConflict(`A schema edit keeps the fields the rows have (${[...missing.map((name) => `missing ${name}`), ...added.map((name) => `new ${name}`)].slice(0, 5).join(', ')}); rename, add or drop fields with a transformation`);
      }
      schema = command.fields.map((field) => {
        const was = current.get(field.name) as StoredField;
        if (field.type !== was.type && !(was.type === 'integer' && field.type === 'number')) {
          throw schemaConflict(`${field.name} is ${was.type}; change its type with a cast transformation`);
        }
        return { ...field, key: was.key };
      });
      await this.checkRows(dataset, schema);
    }
    const set = { fields: schema, nextKey, versions: dataset.versions.map((kept) => (kept.version === dataset.version ? { ...kept, schema } : kept)) };
    const event = outboxEvent(DatasetsEvents.updated, { id: command.id, ownerId: dataset.ownerId, changed: ['schema'] }, requestId);
    const update = pushOutbox(event, set);
    const { matchedCount } = await this.datasets.updateOne({ _id: dataset._id, ...LIVE, revision: dataset.revision }, { ...update, $inc: { revision: 1 } }).exec();
    if (matchedCount === 0) throw busyDataset();
    await this.outbox.publishOrDefer(this.datasets, dataset._id);
    return this.findById(command.id, actor);
  }

  /** Every row of the current version against new rules; the first 20 that fail are the error's details. */
  private async checkRows(dataset: Dataset, schema: StoredField[]): Promise<void> {
    const before = new RowSchema(dataset.fields, this.config.DATA_MAX_CELL_BYTES);
    const after = new RowSchema(schema, this.config.DATA_MAX_CELL_BYTES);
    const problems: Array<{ rowId: string; column: string | null; value: string | null; rule: string; message: string }> = [];
    for await (const row of this.store.rows(dataset._id.toHexString(), dataset.version).find({}, await this.store.inOrder())) {
      const checked = after.validate(before.toValues(row));
      if ('problems' in checked) for (const problem of checked.problems) problems.push({ rowId: row._id.toHexString(), ...problem });
      if (problems.length >= 20) break;
    }
    if (problems.length > 0) throw schemaConflict(`${problems.length >= 20 ? 'At least 20' : problems.length} values of the current rows break the new schema`, problems.slice(0, 20));
  }

  async listVersions(id: string, actor: Actor): Promise<DatasetVersionListDto> {
    const dataset = await this.owned(id, actor);
    return { items: [...dataset.versions].reverse().map((kept) => toVersionDto(kept.version === dataset.version ? { ...kept, rowCount: dataset.rowCount } : kept, dataset.version)) };
  }

  /** Makes a kept version current again (its rows and schema); the versions after it stay, to roll forward. */
  async rollback(command: RollbackCommand, actor: Actor, requestId = 'data'): Promise<DatasetDto> {
    const dataset = await this.owned(command.id, actor);
    const target = dataset.versions.find((kept) => kept.version === command.version);
    if (!target) throw new DomainError(DatasetsErrors.versionNotFound, ErrorKind.NotFound, `Version ${command.version} is not kept (see GET …/versions)`);
    const event = outboxEvent(DatasetsEvents.updated, { id: command.id, ownerId: dataset.ownerId, changed: ['version'] }, requestId);
    const rowCount = await this.store.rows(command.id, target.version).countDocuments();
    const update = pushOutbox(event, { version: target.version, rowCount, fields: target.schema });
    const { matchedCount } = await this.datasets.updateOne({ _id: dataset._id, ...LIVE, revision: dataset.revision }, { ...update, $inc: { revision: 1 } }).exec();
    if (matchedCount === 0) throw busyDataset();
    await this.outbox.publishOrDefer(this.datasets, dataset._id);
    return this.findById(command.id, actor);
  }

  /**
   * The next version number of a live dataset, handed out once (an import or a transformation
   * writes its rows there): a compare-and-set on `lastVersion`, since FerretDB cannot return
   * the document of a findAndModify whose schema hides fields (the outbox).
   */
  async allocateVersion(id: Types.ObjectId): Promise<number | null> {
    for (;;) {
      const dataset = await this.datasets.findOne({ _id: id, ...LIVE }).select({ lastVersion: 1 }).lean<Pick<Dataset, 'lastVersion'>>().exec();
      if (!dataset) return null;
      const next = (dataset.lastVersion ?? 0) + 1;
      const { modifiedCount } = await this.datasets.updateOne({ _id: id, ...LIVE, lastVersion: dataset.lastVersion ?? 0 }, { $set: { lastVersion: next } }).exec();
      if (modifiedCount === 1) return next;
    }
  }

  /**
   * Makes `next` the current version, with its event, if the dataset is still at `revision`
   * (else false: something else changed it meanwhile). Versions past DATA_VERSIONS_KEPT are
   * forgotten in the same write and their rows dropped after it.
   */
  async commitVersion(dataset: Dataset, next: NextVersion, outbox: OutboxEvent): Promise<boolean> {
    // the version that stops being current keeps the count it has now (rows may have been deleted one by one)
    const kept = [...dataset.versions.map((old) => (old.version === dataset.version ? { ...old, rowCount: dataset.rowCount } : old)), { version: next.version, source: next.source, rowCount: next.rowCount, schema: next.schema, createdAt: new Date() }];
    const pruned = kept.splice(0, Math.max(0, kept.length - this.config.DATA_VERSIONS_KEPT));
    const update = pushOutbox(outbox, { version: next.version, rowCount: next.rowCount, fields: next.schema, nextKey: next.nextKey, versions: kept });
    const { matchedCount } = await this.datasets.updateOne({ _id: dataset._id, ...LIVE, revision: dataset.revision }, { ...update, $inc: { revision: 1 } }).exec();
    if (matchedCount === 0) return false;
    await this.outbox.publishOrDefer(this.datasets, dataset._id);
    for (const old of pruned) await this.store.dropRows(dataset._id.toHexString(), old.version);
    return true;
  }

  /**
   * Records a change of one row of the current version: rowCount moves by `by`, and the revision
   * moves on, so an import, transformation or schema edit that started before it does not commit
   * over it (it fails with DATA.BUSY and is retried).
   */
  async touchRows(id: Types.ObjectId, version: number, by: number): Promise<void> {
    await this.datasets.updateOne({ _id: id, ...LIVE, version }, { $inc: { rowCount: by, revision: 1 } }).exec();
  }

  /** Records an event about a live dataset that changes nothing else (a failed import). */
  async recordEvent(datasetId: Types.ObjectId, outbox: OutboxEvent): Promise<void> {
    const { matchedCount } = await this.datasets.updateOne({ _id: datasetId, ...LIVE }, pushOutbox(outbox)).exec();
    if (matchedCount > 0) await this.outbox.publishOrDefer(this.datasets, datasetId);
  }

  /** The dataset as stored, live, whoever owns it (for jobs that run after their request). */
  async live(id: Types.ObjectId): Promise<Dataset | null> {
    return findLiveById<Dataset>(this.datasets, id);
  }

  /** Ids and versions of every dataset, tombstones included (the storage sweep). */
  async allVersions(): Promise<Map<string, { versions: number[]; lastVersion: number }>> {
    const found = await this.datasets.find({}).select({ versions: 1, lastVersion: 1 }).lean<Pick<Dataset, '_id' | 'versions' | 'lastVersion'>[]>().exec();
    return new Map(found.map((dataset) => [dataset._id.toHexString(), { versions: dataset.versions.map((kept) => kept.version), lastVersion: dataset.lastVersion }]));
  }
}

const busyDataset = () => new DomainError(DatasetsErrors.busy, ErrorKind.Aborted, 'The dataset changed meanwhile (an import, transformation, rollback or schema edit); read it again and retry');

/** Field names unique, patterns that RE2 compiles, min not above max, enum only where values are text or numbers. */
export function checkFields(fields: DataFieldDto[]): void {
  const seen = new Set<string>();
  for (const field of fields) {
    if (seen.has(field.name)) throw schemaConflict(`The field name "${field.name}" appears twice`);
    seen.add(field.name);
    const error = field.pattern ? patternError(field.pattern) : null;
    if (error) throw schemaConflict(`The pattern of ${field.name} is not supported: ${error}`);
    if (field.pattern && field.type !== 'string') throw schemaConflict(`${field.name}: a pattern applies to string fields only`);
    if (field.min !== undefined && field.max !== undefined && field.min > field.max) throw schemaConflict(`${field.name}: min is above max`);
    if ((field.min !== undefined || field.max !== undefined) && !['string', 'number', 'integer'].includes(field.type)) throw schemaConflict(`${field.name}: min and max apply to string, number and integer fields`);
    if (field.enum && ['json', 'boolean'].includes(field.type)) throw schemaConflict(`${field.name}: enum applies to text, number and date fields`);
  }
}
