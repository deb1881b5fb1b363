import { msg, nameField, z } from '../../../lib/zod';
import type { CreateImage, Image } from './queries';

/**
 * CreateImageDto as the API validates it (libs/contracts/src/lib/images/images.dto.ts):
 * a trimmed name of 1 to 100 characters, a description of at most 1000. Change both together.
 */
export const imageFormSchema = z.object({
  name: nameField(),
  description: z.string().max(1000, { error: msg('validation.tooLong', { max: 1000 }) }),
});
export type ImageFormValues = z.input<typeof imageFormSchema>;
export type ImageFormOutput = z.output<typeof imageFormSchema>;

/** The API's field paths that this form shows under its fields. */
export const IMAGE_FORM_FIELDS = ['name', 'description'] as const;

export function imageFormValues(image?: Image): ImageFormValues {
  return { name: image?.name ?? '', description: image?.description ?? '' };
}

/** The body of a create, and of a change (PATCH takes the same fields, each optional). */
export function imageBody(values: ImageFormOutput): CreateImage {
  return { name: values.name, description: values.description };
}
