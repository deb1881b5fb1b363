import { msg, z } from '../../../lib/zod';
import { type CreateReport, REPORT_FORMATS, REPORT_KINDS } from './queries';

const DAY_MS = 86_400_000;
/** A report covers at most this many days (CreateReportDto: `to` at most 366 days after `from`). */
export const MAX_REPORT_DAYS = 366;

/** Start of a UTC day given as YYYY-MM-DD (what `<input type="date">` holds), or NaN. */
export function utcDay(value: string): number {
  return /^\d{4}-\d{2}-\d{2}$/.test(value) ? Date.parse(`${value}T00:00:00.000Z`) : Number.NaN;
}

const dayField = () =>
  z
    .string()
    .min(1, { error: msg('validation.required') })
    .refine((value) => !Number.isNaN(utcDay(value)), { error: msg('statisticsReports.errors.date') });

/**
 * CreateReportDto as the API validates it (libs/contracts/src/lib/statistics/reports.dto.ts), in
 * whole UTC days: the first and the last day included; `to` is sent as the start of the day after
 * the last, so the range is at most 366 days and never empty.
 */
export const reportFormSchema = z
  .object({
    kind: z.enum(REPORT_KINDS),
    format: z.enum(REPORT_FORMATS),
    from: dayField(),
    to: dayField(),
  })
  .refine((values) => utcDay(values.to) >= utcDay(values.from), { path: ['to'], error: msg('statisticsReports.errors.order') })
  .refine((values) => utcDay(values.to) + DAY_MS - utcDay(values.from) <= MAX_REPORT_DAYS * DAY_MS, {
    path: ['to'],
    error: msg('statisticsReports.errors.tooLong', { max: MAX_REPORT_DAYS }),
  });
export type ReportFormValues = z.input<typeof reportFormSchema>;
export type ReportFormOutput = z.output<typeof reportFormSchema>;

/** The API's field paths that this form shows under its fields. */
export const REPORT_FORM_FIELDS = ['kind', 'format', 'from', 'to'] as const;

/** A usage report of the last 7 UTC days, today included, as CSV. */
export function defaultReportValues(now: number = Date.now()): ReportFormValues {
  const day = (t: number) => new Date(t).toISOString().slice(0, 10);
  return { kind: 'usage', format: 'csv', from: day(now - 6 * DAY_MS), to: day(now) };
}

/** The body of `POST /api/v1/statistics/reports`: `to` exclusive, the start of the day after the last. */
export function reportBody(values: ReportFormOutput): CreateReport {
  return {
    kind: values.kind,
    format: values.format,
    from: new Date(utcDay(values.from)).toISOString(),
    to: new Date(utcDay(values.to) + DAY_MS).toISOString(),
  };
}
