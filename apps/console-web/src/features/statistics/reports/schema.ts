import { msg, nameField, z } from '../../../lib/zod';
import type { CreateReport, Report } from './queries';

/**
 * CreateReportDto as the API validates it (libs/contracts/src/lib/statistics/reports.dto.ts):
 * a trimmed name of 1 to 100 characters, a description of at most 1000. Change both together.
 */
export const reportFormSchema = z.object({
  name: nameField(),
  description: z.string().max(1000, { error: msg('validation.tooLong', { max: 1000 }) }),
});
export type ReportFormValues = z.input<typeof reportFormSchema>;
export type ReportFormOutput = z.output<typeof reportFormSchema>;

/** The API's field paths that this form shows under its fields. */
export const REPORT_FORM_FIELDS = ['name', 'description'] as const;

export function reportFormValues(report?: Report): ReportFormValues {
  return { name: report?.name ?? '', description: report?.description ?? '' };
}

/** The body of a create, and of a change (PATCH takes the same fields, each optional). */
export function reportBody(values: ReportFormOutput): CreateReport {
  return { name: values.name, description: values.description };
}
