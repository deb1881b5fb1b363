import type { DataFieldDto, DataFieldType } from '@site11/contracts';
import { RE2JS } from 're2js';

/** A field as stored: the public definition plus the key its values live under in a row document. */
export interface StoredField extends DataFieldDto {
  /** `f<n>`: stable across renames, so a rename is a schema change, not a rewrite of every row. */
  key: string;
}

/** One value that broke a rule; `line` is added by whoever knows where the record came from. */
export interface FieldProblem {
  column: string | null;
  value: string | null;
  rule: string;
  message: string;
}

export type StoredValue = string | number | boolean | null;

const NUMBER = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
const INTEGER = /^[+-]?\d+$/;
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const DATETIME = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:?\d{2})?$/i;
const TRUE = new Set(['true', 'yes', 'y', '1']);
const FALSE = new Set(['false', 'no', 'n', '0']);

/** What a value is shown as in an error: its text, cut to 200 characters. */
export function shown(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  const text = typeof value === 'string' ? value : JSON.stringify(value) ?? String(value);
  return text.length > 200 ? `${text.slice(0, 197)}...` : text;
}

function isCalendarDate(text: string): boolean {
  const match = DATE.exec(text);
  if (!match) return false;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const date = new Date(Date.UTC(year, month - 1, day));
  return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}

/**
 * `value` as `type` stores it, or undefined when it is not one. Text is what CSV gives; JSON
 * gives typed values, and a number where a string is expected (or the reverse) converts.
 * Dates are stored as `YYYY-MM-DD` and datetimes as UTC ISO 8601 text, so their order as
 * strings is their order in time; json values as their canonical JSON text.
 */
export function convert(value: unknown, type: DataFieldType): StoredValue | undefined {
  switch (type) {
    case 'string':
      if (typeof value === 'string') return value;
      return typeof value === 'number' || typeof value === 'boolean' ? String(value) : undefined;
    case 'number': {
      if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
      if (typeof value !== 'string' || !NUMBER.test(value.trim())) return undefined;
      const number = Number(value.trim());
      return Number.isFinite(number) ? number : undefined;
    }
    case 'integer': {
      if (typeof value === 'number') return Number.isSafeInteger(value) ? value : undefined;
      if (typeof value !== 'string' || !INTEGER.test(value.trim())) return undefined;
      const number = Number(value.trim());
      return Number.isSafeInteger(number) ? number : undefined;
    }
    case 'boolean': {
      if (typeof value === 'boolean') return value;
      const text = typeof value === 'number' ? String(value) : typeof value === 'string' ? value.trim().toLowerCase() : '';
      return TRUE.has(text) ? true : FALSE.has(text) ? false : undefined;
    }
    case 'date':
      return typeof value === 'string' && isCalendarDate(value.trim()) ? value.trim() : undefined;
    case 'datetime': {
      if (typeof value !== 'string' || !DATETIME.test(value.trim())) return undefined;
      const text = value.trim().replace(' ', 'T');
      if (!isCalendarDate(text.slice(0, 10))) return undefined;
      const zoned = /(?:Z|[+-]\d{2}:?\d{2})$/i.test(text) ? text : `${text}Z`;
      const time = Date.parse(zoned);
      return Number.isNaN(time) ? undefined : new Date(time).toISOString();
    }
    case 'json':
      if (typeof value === 'string') {
        try {
          return JSON.stringify(JSON.parse(value));
        } catch {
          return undefined;
        }
      }
      return JSON.stringify(value);
  }
}

const TYPE_NAMES: Record<DataFieldType, string> = {
  string: 'text',
  number: 'a number',
  integer: 'an integer',
  boolean: 'true or false',
  date: 'a date (YYYY-MM-DD)',
  datetime: 'a date and time (ISO 8601)',
  json: 'JSON',
};

/**
 * Checks and converts the values of one field: type, then required, enum, min/max (value for
 * numbers, length for text) and pattern (RE2: linear time whatever the pattern).
 */
export class FieldRule {
  private readonly pattern: RE2JS | null;
  private readonly allowed: Set<string> | null;

  constructor(
    readonly field: StoredField,
    private readonly maxCellBytes: number,
  ) {
    this.pattern = field.pattern ? compilePattern(field.pattern) : null;
    this.allowed = field.enum ? new Set(field.enum) : null;
  }

  /** The stored value, or the problem with it. `undefined`/`''` mean "no value". */
  check(raw: unknown): { value: StoredValue } | { problem: FieldProblem } {
    const { name, type } = this.field;
    if (raw === undefined || raw === null || raw === '') {
      return this.field.required ? { problem: { column: name, value: null, rule: 'required', message: `${name} is required` } } : { value: null };
    }
    if (typeof raw === 'string' && raw.length > this.maxCellBytes / 4 && Buffer.byteLength(raw) > this.maxCellBytes) {
      return { problem: { column: name, value: shown(raw), rule: 'max-size', message: `${name} is longer than ${this.maxCellBytes} bytes` } };
    }
    const value = convert(raw, type);
    if (value === undefined) return { problem: { column: name, value: shown(raw), rule: 'type', message: `${name} must be ${TYPE_NAMES[type]}` } };
    if (typeof value === 'string' && type === 'json' && Buffer.byteLength(value) > this.maxCellBytes) {
      return { problem: { column: name, value: shown(raw), rule: 'max-size', message: `${name} is longer than ${this.maxCellBytes} bytes` } };
    }
    if (this.allowed && !this.allowed.has(String(value))) {
      return { problem: { column: name, value: shown(raw), rule: 'enum', message: `${name} must be one of ${[...this.allowed].slice(0, 10).join(', ')}` } };
    }
    const measure = typeof value === 'number' ? value : typeof value === 'string' && type === 'string' ? [...value].length : null;
    if (measure !== null && this.field.min !== undefined && measure < this.field.min) {
      return { problem: { column: name, value: shown(raw), rule: 'min', message: typeof value === 'number' ? `${name} must be at least ${this.field.min}` : `${name} must be at least ${this.field.min} characters` } };
    }
    if (measure !== null && this.field.max !== undefined && measure > this.field.max) {
      return { problem: { column: name, value: shown(raw), rule: 'max', message: typeof value === 'number' ? `${name} must be at most ${this.field.max}` : `${name} must be at most ${this.field.max} characters` } };
    }
    if (this.pattern && typeof value === 'string' && !this.pattern.matcher(value).find()) {
      return { problem: { column: name, value: shown(raw), rule: 'pattern', message: `${name} must match ${this.field.pattern}` } };
    }
    return { value };
  }
}

/** The pattern compiled by RE2 (no backtracking), or an error naming what RE2 refuses. */
export function compilePattern(pattern: string): RE2JS {
  return RE2JS.compile(pattern);
}

/** Whether RE2 accepts the pattern (backreferences and lookaround it does not). */
export function patternError(pattern: string): string | null {
  try {
    compilePattern(pattern);
    return null;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}

/** A value as the API shows it: json fields parsed back. */
export function shownValue(value: unknown, type: DataFieldType): unknown {
  if (type === 'json' && typeof value === 'string') {
    try {
      return JSON.parse(value) as unknown;
    } catch {
      return value;
    }
  }
  return value ?? null;
}

const INFERENCE_ORDER: DataFieldType[] = ['integer', 'number', 'boolean', 'date', 'datetime'];

/**
 * The type of a column from sample values: the narrowest of integer, number, boolean, date,
 * datetime that every non-empty value converts to; json when JSON input gave objects or
 * arrays; text otherwise. A column with no values is text. Inferred fields are optional.
 */
export function inferType(values: unknown[]): DataFieldType {
  const present = values.filter((value) => value !== null && value !== undefined && value !== '');
  if (present.length === 0) return 'string';
  if (present.some((value) => typeof value === 'object')) return 'json';
  for (const type of INFERENCE_ORDER) {
    // a text column of "0"/"1" is a number; true/false written as words is boolean
    if (type === 'boolean' && present.every((value) => typeof value === 'number')) continue;
    if (present.every((value) => convert(value, type) !== undefined)) return type;
  }
  return 'string';
}

/** Order of typed values: null first, then numbers, booleans and text by their own order. */
export function compareValues(a: unknown, b: unknown): number {
  if (a === b) return 0;
  if (a === null || a === undefined) return -1;
  if (b === null || b === undefined) return 1;
  if (typeof a !== typeof b) return typeof a < typeof b ? -1 : 1;
  return (a as number | string) < (b as number | string) ? -1 : 1;
}

/** About how many bytes values hold in memory (text by its length, objects by their JSON, the rest a few bytes): batches and held rows are bounded by it. */
export function memorySize(values: Iterable<unknown>): number {
  let bytes = 0;
  for (const value of values) bytes += typeof value === 'string' ? value.length * 2 + 16 : typeof value === 'object' && value !== null ? JSON.stringify(value).length * 2 + 16 : 16;
  return bytes;
}
