import { Injectable } from '@nestjs/common';
import {
  type Actor,
  type AggregateCommand,
  type AggregateResultDto,
  DatasetsErrors,
  DomainError,
  ErrorKind,
  type Page,
  type RowDto,
  ROWS_PAGE_DEFAULT_LIMIT,
  type RowsQueryCommand,
  type UpdateRowCommand,
} from '@site11/contracts';
import { type mongo, Types } from 'mongoose';
import { DataConfig } from '../data.config';
import type { Dataset } from '../datasets/dataset.schema';
import { badQuery } from '../datasets/datasets.errors';
import { DatasetsService } from '../datasets/datasets.service';
import { compareValues, type StoredField } from '../schema/field-rules';
import { RowSchema } from '../schema/row-schema';
import { type RowDocument, RowStore } from './row-store';
import { compileFilter, type RowFilter } from './rsql-filter';

export const MAX_SORT_FIELDS = 4;
export const MAX_GROUP_FIELDS = 3;
export const MAX_GROUPS = 10_000;
/** A query of the rows API stops in the database after this long (the gateway waits 30 s by default). */
export const QUERY_MAX_TIME_MS = 25_000;


const rowNotFound = (id: string) => new DomainError(DatasetsErrors.rowNotFound, ErrorKind.NotFound, `Row ${id} does not exist in the current version`);

/** `-age,name` as MongoDB sort keys, each field checked against the schema. */
export function compileSort(text: string | undefined, fields: StoredField[]): Array<[string, 1 | -1]> {
  if (!text) return [];
  const byName = new Map(fields.map((field) => [field.name, field]));
  const parts = text.split(',').map((part) => part.trim());
  if (parts.length > MAX_SORT_FIELDS) throw badQuery(`Sort by at most ${MAX_SORT_FIELDS} fields`);
  return parts.map((part) => {
    const descending = part.startsWith('-');
    const name = descending || part.startsWith('+') ? part.slice(1) : part;
    const field = byName.get(name);
    if (!field) throw badQuery(`Unknown field "${name.slice(0, 100)}" in sort`);
    if (field.type === 'json') throw badQuery(`${name} is a json field: it cannot be sorted on`);
    return [field.key, descending ? -1 : 1];
  });
}

/** `name,age`: the fields to return, checked against the schema. */
export function pickFields(text: string | undefined, fields: StoredField[]): StoredField[] | undefined {
  if (!text) return undefined;
  const byName = new Map(fields.map((field) => [field.name, field]));
  return [...new Set(text.split(',').map((part) => part.trim()))].map((name) => {
    const field = byName.get(name);
    if (!field) throw badQuery(`Unknown field "${name.slice(0, 100)}" in fields`);
    return field;
  });
}

type Cursor = { after: string } | { offset: number };

function encodeCursor(cursor: Cursor): string {
  return Buffer.from(JSON.stringify(cursor)).toString('base64url');
}

function decodeCursor(text: string): Cursor {
  try {
    const cursor = JSON.parse(Buffer.from(text, 'base64url').toString('utf8')) as Record<string, unknown>;
    if (typeof cursor['after'] === 'string' && Types.ObjectId.isValid(cursor['after'])) return { after: cursor['after'] };
    if (typeof cursor['offset'] === 'number' && Number.isSafeInteger(cursor['offset']) && cursor['offset'] >= 0) return { offset: cursor['offset'] };
  } catch {
    // fall through
  }
  throw new DomainError('VALIDATION', ErrorKind.InvalidArgument, 'cursor is not a valid page cursor');
}

type Metric = { label: string; kind: 'count' | 'sum' | 'avg' | 'min' | 'max'; field?: StoredField };

export function parseMetrics(text: string | undefined, fields: StoredField[]): Metric[] {
  const byName = new Map(fields.map((field) => [field.name, field]));
  const parts = (text ?? 'count').split(',').map((part) => part.trim()).filter(Boolean);
  if (parts.length === 0 || parts.length > 20) throw badQuery('Ask for 1 to 20 metrics');
  return parts.map((part) => {
    if (part === 'count') return { label: 'count', kind: 'count' };
    const match = /^(sum|avg|min|max)\((.+)\)$/.exec(part);
    if (!match) throw badQuery(`Unknown metric "${part.slice(0, 100)}": use count, sum(f), avg(f), min(f), max(f)`);
    const field = byName.get(match[2]);
    if (!field) throw badQuery(`Unknown field "${match[2].slice(0, 100)}" in metrics`);
    if (!['number', 'integer'].includes(field.type) && match[1] !== 'min' && match[1] !== 'max') throw badQuery(`${match[1]}(${field.name}) needs a number field`);
    if (field.type === 'json' || field.type === 'boolean') throw badQuery(`${match[1]}(${field.name}) needs a number, text or date field`);
    return { label: part, kind: match[1] as Metric['kind'], field };
  });
}

/**
 * Reading and changing the rows of a dataset's current version: pages with a filter, sort and
 * projection; one row by id; aggregates. Whose dataset it is, DatasetsService.owned decides.
 */
@Injectable()
export class RowsService {
  constructor(
    private readonly datasets: DatasetsService,
    private readonly store: RowStore,
    private readonly config: DataConfig,
  ) {}

  private schemaOf(dataset: Dataset): RowSchema {
    return new RowSchema(dataset.fields, this.config.DATA_MAX_CELL_BYTES);
  }

  /**
   * One page of rows. Without `sort`, in the version's order and a keyset cursor (the last
   * row's id); with it, by those fields then id, and the cursor is an offset into that order.
   */
  async query(command: RowsQueryCommand, actor: Actor): Promise<Page<RowDto>> {
    const dataset = await this.datasets.owned(command.datasetId, actor);
    const filter = compileFilter(command.filter, dataset.fields);
    const sort = compileSort(command.sort, dataset.fields);
    const only = pickFields(command.fields, dataset.fields);
    const limit = command.limit ?? ROWS_PAGE_DEFAULT_LIMIT;
    const cursor = command.cursor ? decodeCursor(command.cursor) : null;
    if (cursor && 'after' in cursor !== (sort.length === 0)) throw new DomainError('VALIDATION', ErrorKind.InvalidArgument, 'cursor does not belong to this sort');
    const where: RowFilter = cursor && 'after' in cursor ? { $and: [filter, { _id: { $gt: new Types.ObjectId(cursor.after) } }] } : filter;
    const projection = only ? Object.fromEntries(only.map((field) => [field.key, 1])) : undefined;
    const offset = cursor && 'offset' in cursor ? cursor.offset : 0;
    const found = await this.store
      .rows(command.datasetId, dataset.version)
      .find(where, { ...(projection ? { projection } : {}), ...(sort.length > 0 ? { sort: [...sort, ['_id', 1]] as [string, 1 | -1][] } : await this.store.inOrder()), skip: offset, limit: limit + 1, maxTimeMS: QUERY_MAX_TIME_MS })
      .toArray();
    const more = found.length > limit;
    const items = found.slice(0, limit);
    const schema = this.schemaOf(dataset);
    const last = items[items.length - 1];
    return {
      items: items.map((row) => ({ id: row._id.toHexString(), data: schema.toPublic(row, only) })),
      nextCursor: more && last ? encodeCursor(sort.length === 0 ? { after: last._id.toHexString() } : { offset: offset + limit }) : null,
    };
  }

  async find(datasetId: string, rowId: string, actor: Actor): Promise<RowDto> {
    const dataset = await this.datasets.owned(datasetId, actor);
    const row = await this.store.rows(datasetId, dataset.version).findOne({ _id: new Types.ObjectId(rowId) });
    if (!row) throw rowNotFound(rowId);
    return { id: rowId, data: this.schemaOf(dataset).toPublic(row) };
  }

  /** Changes values of one row of the current version, validated against the schema like an import's rows. */
  async update(command: UpdateRowCommand, actor: Actor): Promise<RowDto> {
    const dataset = await this.datasets.owned(command.datasetId, actor);
    const rows = this.store.rows(command.datasetId, dataset.version);
    const _id = new Types.ObjectId(command.rowId);
    const row = await rows.findOne({ _id });
    if (!row) throw rowNotFound(command.rowId);
    const schema = this.schemaOf(dataset);
    const values = schema.toValues(row);
    for (const [name, value] of Object.entries(command.data)) values.set(name, value);
    const checked = schema.validate(values);
    if ('problems' in checked) throw new DomainError(DatasetsErrors.invalidRow, ErrorKind.FailedPrecondition, checked.problems.map((problem) => problem.message).join('; '), checked.problems);
    // before the write: work that started from this version (a transformation, a schema check) will not commit over it
    await this.datasets.touchRows(dataset._id, dataset.version, 0);
    const replaced = await rows.replaceOne({ _id }, { ...checked.row, _id } as RowDocument);
    if (replaced.matchedCount === 0) throw rowNotFound(command.rowId);
    return { id: command.rowId, data: schema.toPublic(checked.row) };
  }

  async remove(datasetId: string, rowId: string, actor: Actor): Promise<void> {
    const dataset = await this.datasets.owned(datasetId, actor);
    const { deletedCount } = await this.store.rows(datasetId, dataset.version).deleteOne({ _id: new Types.ObjectId(rowId) });
    if (deletedCount === 0) throw rowNotFound(rowId);
    await this.datasets.touchRows(dataset._id, dataset.version, -1);
  }

  /**
   * count, sum, avg, min, max by up to three fields. On MongoDB the whole pipeline runs in the
   * server ($group); FerretDB 1.24's $group computes only one accumulator reliably, so there
   * the rows are streamed once through the service and the groups built here (at most
   * MAX_GROUPS, else 400 DATA.TOO_MANY_GROUPS).
   */
  async aggregate(command: AggregateCommand, actor: Actor): Promise<AggregateResultDto> {
    const dataset = await this.datasets.owned(command.datasetId, actor);
    const filter = compileFilter(command.filter, dataset.fields);
    const groupBy = pickFields(command.groupBy, dataset.fields) ?? [];
    if (groupBy.length > MAX_GROUP_FIELDS) throw badQuery(`Group by at most ${MAX_GROUP_FIELDS} fields`);
    const metrics = parseMetrics(command.metrics, dataset.fields);
    const rows = this.store.rows(command.datasetId, dataset.version);
    const schema = this.schemaOf(dataset);
    const groups = (await this.store.isMongo()) ? await this.aggregateInServer(rows, filter, groupBy, metrics) : await this.aggregateHere(rows, filter, groupBy, metrics);
    return {
      groups: groups
        .map(({ key, values }) => ({ key: schema.toPublic(key, groupBy), values }))
        .sort((a, b) => {
          for (const field of groupBy) {
            const order = compareValues(a.key[field.name], b.key[field.name]);
            if (order !== 0) return order;
          }
          return 0;
        }),
    };
  }

  private async aggregateHere(rows: mongo.Collection<RowDocument>, filter: RowFilter, groupBy: StoredField[], metrics: Metric[]) {
    type Acc = { key: Record<string, unknown>; count: number; sums: number[]; counts: number[]; mins: unknown[]; maxes: unknown[] };
    const groups = new Map<string, Acc>();
    const keys = [...new Set([...groupBy.map((field) => field.key), ...metrics.flatMap((metric) => (metric.field ? [metric.field.key] : []))])];
    for await (const row of rows.find(filter, { projection: Object.fromEntries(keys.map((key) => [key, 1])), maxTimeMS: QUERY_MAX_TIME_MS, batchSize: 1000 })) {
      const keyValues = groupBy.map((field) => row[field.key] ?? null);
      const id = JSON.stringify(keyValues);
      let acc = groups.get(id);
      if (!acc) {
        if (groups.size >= MAX_GROUPS) throw new DomainError(DatasetsErrors.tooManyGroups, ErrorKind.InvalidArgument, `More than ${MAX_GROUPS} groups: group by fewer fields or filter first`);
        acc = { key: Object.fromEntries(groupBy.map((field, i) => [field.key, keyValues[i]])), count: 0, sums: metrics.map(() => 0), counts: metrics.map(() => 0), mins: metrics.map(() => null), maxes: metrics.map(() => null) };
        groups.set(id, acc);
      }
      acc.count++;
      metrics.forEach((metric, i) => {
        const value = metric.field ? row[metric.field.key] : undefined;
        if (value === undefined || value === null) return;
        acc.counts[i]++;
        if (typeof value === 'number') acc.sums[i] += value;
        if (acc.mins[i] === null || (value as number | string) < (acc.mins[i] as number | string)) acc.mins[i] = value;
        if (acc.maxes[i] === null || (value as number | string) > (acc.maxes[i] as number | string)) acc.maxes[i] = value;
      });
    }
    return [...groups.values()].map((acc) => ({
      key: acc.key,
      values: Object.fromEntries(
        metrics.map((metric, i) => {
          const value =
            metric.kind === 'count' ? acc.count : metric.kind === 'sum' ? acc.sums[i] : metric.kind === 'avg' ? (acc.counts[i] > 0 ? acc.sums[i] / acc.counts[i] : null) : metric.kind === 'min' ? acc.mins[i] : acc.maxes[i];
          return [metric.label, value as number | null];
        }),
      ),
    }));
  }

  private async aggregateInServer(rows: mongo.Collection<RowDocument>, filter: RowFilter, groupBy: StoredField[], metrics: Metric[]) {
    const accumulators = Object.fromEntries(metrics.map((metric, i) => [`m${i}`, metric.kind === 'count' ? { $sum: 1 } : { [`$${metric.kind}`]: `$${metric.field?.key}` }]));
    const pipeline = [
      { $match: filter },
      { $group: { _id: Object.fromEntries(groupBy.map((field) => [field.key, `$${field.key}`])), ...accumulators } },
      { $limit: MAX_GROUPS + 1 },
    ];
    const found = await rows.aggregate<Record<string, unknown> & { _id: Record<string, unknown> }>(pipeline, { allowDiskUse: true, maxTimeMS: QUERY_MAX_TIME_MS }).toArray();
    if (found.length > MAX_GROUPS) throw new DomainError(DatasetsErrors.tooManyGroups, ErrorKind.InvalidArgument, `More than ${MAX_GROUPS} groups: group by fewer fields or filter first`);
    return found.map((group) => ({ key: group._id ?? {}, values: Object.fromEntries(metrics.map((metric, i) => [metric.label, (group[`m${i}`] as number | null) ?? null])) }));
  }
}
