import type { ReportDto } from '@site11/contracts';
import type { Report } from './report.schema';

/** A report as queries read it: never its outbox. */
export type StoredReport = Omit<Report, 'outbox' | 'outboxAt' | 'outboxLast' | 'deletedAt' | 'nameLower'>;

export function toReportDto(report: StoredReport): ReportDto {
  return {
    id: report._id.toHexString(),
    ownerId: report.ownerId,
    name: report.name,
    description: report.description ?? '',
    createdAt: report.createdAt.toISOString(),
    updatedAt: report.updatedAt.toISOString(),
  };
}
