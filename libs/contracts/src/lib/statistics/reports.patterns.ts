/** Message patterns of reports, served by the statistics service. Commands are verbs. */
export const ReportsPatterns = {
  create: 'statistics.reports.create',
  list: 'statistics.reports.list',
  findById: 'statistics.reports.find-by-id',
  download: 'statistics.reports.download',
  remove: 'statistics.reports.remove',
} as const;
export type ReportsPattern = (typeof ReportsPatterns)[keyof typeof ReportsPatterns];

/** Facts the statistics service publishes about reports. Events are past tense (see events.ts). */
export const ReportsEvents = {
  created: 'statistics.report.created',
  completed: 'statistics.report.completed',
  deleted: 'statistics.report.deleted',
} as const;

export interface ReportCreatedEvent {
  id: string;
  ownerId: string;
  kind: string;
  format: string;
}

/** The report's file was generated (`status: completed`) or could not be (`failed`). */
export interface ReportCompletedEvent {
  id: string;
  ownerId: string;
  status: 'completed' | 'failed';
  bytes: number;
}

/** Deleted by its owner or an admin, or with its owner's account (`users.deleted`). */
export interface ReportDeletedEvent {
  id: string;
  ownerId: string;
}
