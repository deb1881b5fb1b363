import { type FieldProblem, FieldRule, inferType, shown, shownValue, type StoredField, type StoredValue } from './field-rules';

/** A row as stored: values under their fields' keys (`f0`, `f1`...). */
export type StoredRow = Record<string, StoredValue>;

/** The rules of every field of a schema, and the translation between field names and storage keys. */
export class RowSchema {
  private readonly rules = new Map<string, FieldRule>();

  constructor(
    readonly fields: StoredField[],
    maxCellBytes: number,
  ) {
    for (const field of fields) this.rules.set(field.name, new FieldRule(field, maxCellBytes));
  }

  field(name: string): StoredField | undefined {
    return this.rules.get(name)?.field;
  }

  /**
   * The row to store, or every problem with it: each value checked by its field's rule, a
   * column the schema does not have named as `unknown-field`, a missing required one as `required`.
   */
  validate(values: Map<string, unknown>): { row: StoredRow } | { problems: FieldProblem[] } {
    const row: StoredRow = {};
    const problems: FieldProblem[] = [];
    for (const [name, raw] of values) {
      if (!this.rules.has(name)) problems.push({ column: name, value: shown(raw), rule: 'unknown-field', message: `${shown(name)} is not a field of this dataset` });
    }
    for (const [name, rule] of this.rules) {
      const checked = rule.check(values.get(name));
      if ('problem' in checked) problems.push(checked.problem);
      else if (checked.value !== null) row[rule.field.key] = checked.value;
    }
    return problems.length > 0 ? { problems } : { row };
  }

  /** A stored row as the API shows it: by field name, json values parsed, absent values null; `only` picks fields. */
  toPublic(row: Readonly<Record<string, unknown>>, only?: StoredField[]): Record<string, unknown> {
    const shownRow: Record<string, unknown> = {};
    for (const field of only ?? this.fields) shownRow[field.name] = shownValue(row[field.key], field.type);
    return shownRow;
  }

  /** The values of a stored row by field name, as the rules take them (for re-validation after a change). */
  toValues(row: Readonly<Record<string, unknown>>): Map<string, unknown> {
    return new Map(this.fields.map((field) => [field.name, field.type === 'json' ? shownValue(row[field.key], 'json') : row[field.key]]));
  }
}

/**
 * A schema inferred from the first records of a first import: the columns in order (the CSV
 * header, or the keys of the JSON objects as first seen), each typed by `inferType`, optional.
 */
export function inferSchema(columns: string[], samples: Map<string, unknown>[], firstKey: number): StoredField[] {
  return columns.map((name, index) => ({ name, key: `f${firstKey + index}`, type: inferType(samples.map((values) => values.get(name))) }));
}
