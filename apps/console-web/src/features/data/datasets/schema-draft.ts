import type { DataField, FieldType } from './data-queries';

/**
 * DATA_FIELD_NAME_PATTERN of the API (libs/contracts/src/lib/data/data-schema.dto.ts): 1-128
 * characters, no control characters, none of the names objects treat specially. Change both together.
 */
// eslint-disable-next-line no-control-regex -- control characters are what it refuses
export const FIELD_NAME = /^(?!(?:__proto__|constructor|prototype)$)[^\u0000-\u001f\u007f]{1,128}$/;
/** DATA_MAX_SCHEMA_FIELDS of the API. */
export const MAX_SCHEMA_FIELDS = 300;

/** One row of the schema editor, as typed (numbers and lists still text). */
export interface FieldDraft {
  /** React's key: stays with the row while others are added or removed. */
  key: number;
  name: string;
  type: FieldType;
  required: boolean;
  min: string;
  max: string;
  pattern: string;
  /** The allowed values, comma-separated. */
  enumText: string;
}

export type SchemaProblem =
  | { problem: 'noFields' }
  | { problem: 'name'; n: number }
  | { problem: 'duplicate'; name: string }
  | { problem: 'number'; n: number; name: string }
  | { problem: 'range'; n: number; name: string };

/** "a, b ,,c" → ["a", "b", "c"]. */
export function splitList(text: string): string[] {
  return text
    .split(',')
    .map((part) => part.trim())
    .filter((part) => part.length > 0);
}

export function toDraft(field: DataField, key: number): FieldDraft {
  return {
    key,
    name: field.name,
    type: field.type,
    required: field.required ?? false,
    min: field.min === undefined ? '' : String(field.min),
    max: field.max === undefined ? '' : String(field.max),
    pattern: field.pattern ?? '',
    enumText: field.enum?.join(', ') ?? '',
  };
}

export function emptyDraft(key: number): FieldDraft {
  return { key, name: '', type: 'string', required: false, min: '', max: '', pattern: '', enumText: '' };
}

function toNumber(text: string): number | undefined | null {
  const trimmed = text.trim();
  if (trimmed === '') return undefined;
  const value = Number(trimmed);
  return Number.isFinite(value) ? value : null;
}

/**
 * The editor's rows as the body of `PUT …/schema`, or what is wrong with them (checked before
 * asking: names, duplicates, numbers; the API judges the rest, e.g. whether the rows fit).
 */
export function toFields(drafts: FieldDraft[]): { fields: DataField[] } | { problems: SchemaProblem[] } {
  const problems: SchemaProblem[] = [];
  if (drafts.length === 0) problems.push({ problem: 'noFields' });
  const seen = new Set<string>();
  const fields = drafts.map((draft, index): DataField => {
    const n = index + 1;
    const name = draft.name.trim();
    if (!FIELD_NAME.test(name)) problems.push({ problem: 'name', n });
    else if (seen.has(name)) problems.push({ problem: 'duplicate', name });
    seen.add(name);
    const min = toNumber(draft.min);
    const max = toNumber(draft.max);
    if (min === null || max === null) problems.push({ problem: 'number', n, name });
    else if (min !== undefined && max !== undefined && min > max) problems.push({ problem: 'range', n, name });
    const values = splitList(draft.enumText);
    const pattern = draft.pattern.trim();
    return {
      name,
      type: draft.type,
      required: draft.required,
      ...(typeof min === 'number' ? { min } : {}),
      ...(typeof max === 'number' ? { max } : {}),
      ...(pattern ? { pattern } : {}),
      ...(values.length > 0 ? { enum: values } : {}),
    };
  });
  return problems.length > 0 ? { problems } : { fields };
}

/** Whether the editor differs from the saved schema (row keys aside). */
export function isChanged(drafts: FieldDraft[], saved: DataField[]): boolean {
  const strip = (list: FieldDraft[]) => JSON.stringify(list.map(({ key: _key, ...rest }) => rest));
  return strip(drafts) !== strip(saved.map((field, index) => toDraft(field, index)));
}
