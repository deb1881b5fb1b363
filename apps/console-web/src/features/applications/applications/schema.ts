import { msg, nameField, z } from '../../../lib/zod';
import type { CreateApplication, Application } from './queries';

/**
 * CreateApplicationDto as the API validates it (libs/contracts/src/lib/applications/applications.dto.ts):
 * a trimmed name of 1 to 100 characters, a description of at most 1000. Change both together.
 */
export const applicationFormSchema = z.object({
  name: nameField(),
  description: z.string().max(1000, { error: msg('validation.tooLong', { max: 1000 }) }),
});
export type ApplicationFormValues = z.input<typeof applicationFormSchema>;
export type ApplicationFormOutput = z.output<typeof applicationFormSchema>;

/** The API's field paths that this form shows under its fields. */
export const APPLICATION_FORM_FIELDS = ['name', 'description'] as const;

export function applicationFormValues(application?: Application): ApplicationFormValues {
  return { name: application?.name ?? '', description: application?.description ?? '' };
}

/** The body of a create, and of a change (PATCH takes the same fields, each optional). */
export function applicationBody(values: ApplicationFormOutput): CreateApplication {
  return { name: values.name, description: values.description };
}
