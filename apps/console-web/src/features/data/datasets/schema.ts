import { msg, nameField, z } from '../../../lib/zod';
import type { CreateDataset, Dataset } from './queries';

/**
 * CreateDatasetDto as the API validates it (libs/contracts/src/lib/data/datasets.dto.ts):
 * a trimmed name of 1 to 100 characters, a description of at most 1000. Change both together.
 */
export const datasetFormSchema = z.object({
  name: nameField(),
  description: z.string().max(1000, { error: msg('validation.tooLong', { max: 1000 }) }),
});
export type DatasetFormValues = z.input<typeof datasetFormSchema>;
export type DatasetFormOutput = z.output<typeof datasetFormSchema>;

/** The API's field paths that this form shows under its fields. */
export const DATASET_FORM_FIELDS = ['name', 'description'] as const;

export function datasetFormValues(dataset?: Dataset): DatasetFormValues {
  return { name: dataset?.name ?? '', description: dataset?.description ?? '' };
}

/** The body of a create, and of a change (PATCH takes the same fields, each optional). */
export function datasetBody(values: DatasetFormOutput): CreateDataset {
  return { name: values.name, description: values.description };
}
