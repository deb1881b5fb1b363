/** Message patterns of reports, served by the statistics service. Commands are verbs. */
export const ReportsPatterns = {
  create: 'statistics.reports.create',
  list: 'statistics.reports.list',
  findById: 'statistics.reports.find-by-id',
  update: 'statistics.reports.update',
  remove: 'statistics.reports.remove',
} as const;
export type ReportsPattern = (typeof ReportsPatterns)[keyof typeof ReportsPatterns];

/** Facts the statistics service publishes about reports. Events are past tense (see events.ts). */
export const ReportsEvents = {
  created: 'statistics.report.created',
  updated: 'statistics.report.updated',
  deleted: 'statistics.report.deleted',
} as const;

export interface ReportCreatedEvent {
  id: string;
  ownerId: string;
  name: string;
}

export interface ReportUpdatedEvent {
  id: string;
  ownerId: string;
  /** The fields the change set. */
  changed: string[];
}

/** Deleted by its owner or an admin, or with its owner's account (`users.deleted`). */
export interface ReportDeletedEvent {
  id: string;
  ownerId: string;
}
