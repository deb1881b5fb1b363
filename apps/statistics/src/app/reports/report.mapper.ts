import type { ReportDto } from '@site11/contracts';
import type { Report } from './report.schema';

/** A report as queries read it: never its outbox or its file. */
export type StoredReport = Omit<Report, 'outbox' | 'outboxAt' | 'outboxLast' | 'content'>;

export function toReportDto(report: StoredReport): ReportDto {
  return {
    id: report._id.toHexString(),
    ownerId: report.ownerId,
    kind: report.kind,
    format: report.format,
    from: report.from.toISOString(),
    to: report.to.toISOString(),
    status: report.status,
    failure: report.failure ? { code: report.failure.code, message: report.failure.message } : null,
    filename: report.filename,
    bytes: report.bytes ?? 0,
    createdAt: report.createdAt.toISOString(),
    updatedAt: report.updatedAt.toISOString(),
    completedAt: report.completedAt ? report.completedAt.toISOString() : null,
  };
}
