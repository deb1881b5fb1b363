import { msg, nameField, z } from '../../../lib/zod';
import type { CreateEntry, Entry } from './queries';

/**
 * CreateEntryDto as the API validates it (libs/contracts/src/lib/audit/entries.dto.ts):
 * a trimmed name of 1 to 100 characters, a description of at most 1000. Change both together.
 */
export const entryFormSchema = z.object({
  name: nameField(),
  description: z.string().max(1000, { error: msg('validation.tooLong', { max: 1000 }) }),
});
export type EntryFormValues = z.input<typeof entryFormSchema>;
export type EntryFormOutput = z.output<typeof entryFormSchema>;

/** The API's field paths that this form shows under its fields. */
export const ENTRY_FORM_FIELDS = ['name', 'description'] as const;

export function entryFormValues(entry?: Entry): EntryFormValues {
  return { name: entry?.name ?? '', description: entry?.description ?? '' };
}

/** The body of a create, and of a change (PATCH takes the same fields, each optional). */
export function entryBody(values: EntryFormOutput): CreateEntry {
  return { name: values.name, description: values.description };
}
