/** Message patterns of applications, served by the applications service. Commands are verbs. */
export const ApplicationsPatterns = {
  create: 'applications.applications.create',
  list: 'applications.applications.list',
  findById: 'applications.applications.find-by-id',
  update: 'applications.applications.update',
  remove: 'applications.applications.remove',
} as const;
export type ApplicationsPattern = (typeof ApplicationsPatterns)[keyof typeof ApplicationsPatterns];

/** Facts the applications service publishes about applications. Events are past tense (see events.ts). */
export const ApplicationsEvents = {
  created: 'applications.application.created',
  updated: 'applications.application.updated',
  deleted: 'applications.application.deleted',
} as const;

export interface ApplicationCreatedEvent {
  id: string;
  ownerId: string;
  name: string;
}

export interface ApplicationUpdatedEvent {
  id: string;
  ownerId: string;
  /** The fields the change set. */
  changed: string[];
}

/** Deleted by its owner or an admin, or with its owner's account (`users.deleted`). */
export interface ApplicationDeletedEvent {
  id: string;
  ownerId: string;
}
