import type { FieldPath, FieldValues, UseFormSetError } from 'react-hook-form';
import { ApiError } from '../api/errors';

export interface ServerFieldErrors {
  /** How many of the API's issues were put under a field of the form. */
  placed: number;
  /** The issues no field of this form shows, as text for a form-level message. */
  unplaced: string[];
}

/**
 * Puts the API's validation details (`[{ field, constraints }]`) under the matching form fields
 * (`profile.bio` is both the API's path and the form's field name); focuses the first.
 */
export function applyServerFieldErrors<T extends FieldValues>(
  error: unknown,
  setError: UseFormSetError<T>,
  fields: readonly FieldPath<T>[],
): ServerFieldErrors {
  const result: ServerFieldErrors = { placed: 0, unplaced: [] };
  if (!(error instanceof ApiError) || !error.details) return result;
  for (const issue of error.details) {
    const message = Object.values(issue.constraints).join(' ');
    const field = fields.find((name) => name === issue.field);
    if (field) {
      setError(field, { type: 'server', message }, { shouldFocus: result.placed === 0 });
      result.placed += 1;
    } else {
      result.unplaced.push(`${issue.field}: ${message}`);
    }
  }
  return result;
}
