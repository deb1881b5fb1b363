import { DatasetsErrors, DomainError, ErrorKind, type TransformStepDto } from '@site11/contracts';
import { badTransformation } from '../datasets/datasets.errors';
import { compareValues, convert, memorySize, type StoredField, shownValue } from '../schema/field-rules';
import { Budget, RowExpression } from './expressions';

/** A row while it is transformed: values by field name, json values parsed. */
export type WorkingRow = Record<string, unknown>;

type Stage = (rows: AsyncIterable<WorkingRow>) => AsyncIterable<WorkingRow>;

export interface PipelineLimits {
  /** Rows a sort may hold, distinct keys a dedupe may remember. */
  maxHeldRows: number;
  /** Bytes (about) those may take, whatever their number: wide rows reach it first. */
  maxHeldBytes?: number;
}

const DEFAULT_HELD_BYTES = 64 * 1024 * 1024;

export const overBudget = (message: string) => new DomainError(DatasetsErrors.transformationBudget, ErrorKind.FailedPrecondition, message);
export const failedRow = (message: string) => new DomainError(DatasetsErrors.invalidRow, ErrorKind.FailedPrecondition, message);

/** What a transformation will do: its stages, checked against the schema, and the schema it makes. */
export interface Plan {
  schema: StoredField[];
  nextKey: number;
  run(rows: AsyncIterable<WorkingRow>, budget: Budget): AsyncIterable<WorkingRow>;
}

function stepName(step: TransformStepDto, index: number): string {
  return `step ${index + 1} (${step.op})`;
}

/**
 * Checks every step against the schema as the steps before it leave it (a rename, then a
 * derive that uses the new name) and builds the stages. A field that a step changes (cast,
 * derive) gets a new storage key; a rename keeps its key.
 */
export function plan(fields: StoredField[], steps: TransformStepDto[], firstKey: number, limits: PipelineLimits): Plan {
  let schema = fields.map((field) => ({ ...field }));
  let nextKey = firstKey;
  const stages: Array<(budget: Budget) => Stage> = [];
  const has = (name: string | undefined, where: string): StoredField => {
    const field = schema.find((candidate) => candidate.name === name);
    if (!name || !field) throw badTransformation(`${where}: unknown field "${String(name ?? '').slice(0, 100)}"`);
    return field;
  };
  const need = <T>(value: T | undefined, what: string, where: string): T => {
    if (value === undefined) throw badTransformation(`${where}: ${what} is required`);
    return value;
  };
  steps.forEach((step, index) => {
    const where = stepName(step, index);
    switch (step.op) {
      case 'rename': {
        const field = has(step.field, where);
        const to = need(step.to, 'to', where);
        if (schema.some((candidate) => candidate.name === to)) throw badTransformation(`${where}: a field "${to}" exists already`);
        const from = field.name;
        schema = schema.map((candidate) => (candidate.name === from ? { ...candidate, name: to } : candidate));
        stages.push(() => (rows) => mapRows(rows, async (row) => renameKey(row, from, to)));
        return;
      }
      case 'drop': {
        const names = need(step.fields, 'fields', where);
        names.forEach((name) => has(name, where));
        schema = schema.filter((field) => !names.includes(field.name));
        if (schema.length === 0) throw badTransformation(`${where}: a dataset keeps at least one field`);
        stages.push(() => (rows) => mapRows(rows, async (row) => Object.fromEntries(Object.entries(row).filter(([name]) => !names.includes(name)))));
        return;
      }
      case 'cast':
      case 'derive': {
        const name = need(step.field, 'field', where);
        const type = need(step.type, 'type', where);
        const onError = step.onError ?? 'fail';
        const expression = step.op === 'derive' ? new RowExpression(need(step.expression, 'expression', where)) : null;
        if (step.op === 'cast') has(name, where);
        const key = `f${nextKey++}`;
        const existing = schema.findIndex((field) => field.name === name);
        const next: StoredField = { name, key, type };
        schema = existing >= 0 ? schema.map((field, i) => (i === existing ? next : field)) : [...schema, next];
        stages.push((budget) => (rows) =>
          mapRows(rows, async (row) => {
            const input = expression ? await expression.evaluate(row, budget) : row[name];
            const value = input === undefined || input === null ? null : castValue(input, type);
            if (value !== undefined) return { ...row, [name]: value };
            if (onError === 'null') return { ...row, [name]: null };
            if (onError === 'skip-row') return null;
            throw failedRow(`${where}: ${JSON.stringify(input)?.slice(0, 100)} is not a valid ${type} for ${name} (set onError to null or skip-row to go on)`);
          }),
        );
        return;
      }
      case 'filter': {
        const expression = new RowExpression(need(step.expression, 'expression', where));
        stages.push((budget) => (rows) => mapRows(rows, async (row) => ((await expression.evaluate(row, budget)) === true ? row : null)));
        return;
      }
      case 'dedupe': {
        const names = need(step.fields, 'fields', where);
        names.forEach((name) => has(name, where));
        stages.push(() => (rows) => dedupe(rows, names, limits.maxHeldRows, limits.maxHeldBytes ?? DEFAULT_HELD_BYTES));
        return;
      }
      case 'sort': {
        const keys = need(step.fields, 'fields', where).map((spec) => {
          const descending = spec.startsWith('-');
          const name = descending ? spec.slice(1) : spec;
          const field = has(name, where);
          if (field.type === 'json') throw badTransformation(`${where}: ${name} is a json field`);
          return { name, descending };
        });
        stages.push(() => (rows) => sortRows(rows, keys, limits.maxHeldRows, limits.maxHeldBytes ?? DEFAULT_HELD_BYTES));
        return;
      }
    }
  });
  return {
    schema,
    nextKey,
    run: (rows, budget) => stages.reduce<AsyncIterable<WorkingRow>>((source, stage) => stage(budget)(source), rows),
  };
}

/** A value converted for the API shape: json kept parsed, every other type as convert() stores it. */
function castValue(value: unknown, type: StoredField['type']): unknown {
  if (type === 'json') return typeof value === 'string' ? (convert(value, 'json') === undefined ? value : shownValue(convert(value, 'json'), 'json')) : value;
  if (type === 'string' && typeof value === 'object') return JSON.stringify(value);
  return convert(value, type);
}

function renameKey(row: WorkingRow, from: string, to: string): WorkingRow {
  const renamed: WorkingRow = {};
  for (const [name, value] of Object.entries(row)) renamed[name === from ? to : name] = value;
  return renamed;
}

async function* mapRows(rows: AsyncIterable<WorkingRow>, map: (row: WorkingRow) => Promise<WorkingRow | null>): AsyncIterable<WorkingRow> {
  for await (const row of rows) {
    const mapped = await map(row);
    if (mapped) yield mapped;
  }
}

async function* dedupe(rows: AsyncIterable<WorkingRow>, names: string[], maxKeys: number, maxBytes: number): AsyncIterable<WorkingRow> {
  const seen = new Set<string>();
  let bytes = 0;
  for await (const row of rows) {
    const key = JSON.stringify(names.map((name) => row[name] ?? null));
    if (seen.has(key)) continue;
    bytes += key.length * 2 + 32;
    if (seen.size >= maxKeys || bytes > maxBytes) throw overBudget(`dedupe remembers at most ${maxKeys} distinct keys or ${maxBytes} bytes of them (DATA_TRANSFORM_MAX_HELD_ROWS, DATA_TRANSFORM_MAX_HELD_BYTES)`);
    seen.add(key);
    yield row;
  }
}


async function* sortRows(rows: AsyncIterable<WorkingRow>, keys: Array<{ name: string; descending: boolean }>, maxRows: number, maxBytes: number): AsyncIterable<WorkingRow> {
  const held: WorkingRow[] = [];
  let bytes = 0;
  for await (const row of rows) {
    bytes += memorySize(Object.values(row));
    if (held.length >= maxRows || bytes > maxBytes) {
      throw overBudget(`sort holds at most ${maxRows} rows or ${maxBytes} bytes (DATA_TRANSFORM_MAX_HELD_ROWS, DATA_TRANSFORM_MAX_HELD_BYTES); sort at query time instead (?sort=)`);
    }
    held.push(row);
  }
  // Array.prototype.sort is stable: equal keys keep their order
  held.sort((a, b) => {
    for (const { name, descending } of keys) {
      const order = compareValues(a[name], b[name]);
      if (order !== 0) return descending ? -order : order;
    }
    return 0;
  });
  yield* held;
}
