/** Message patterns of the applications service. Commands are verbs. */
export const ApplicationsPatterns = {
  create: 'applications.create',
  list: 'applications.list',
  findById: 'applications.find-by-id',
  update: 'applications.update',
  remove: 'applications.remove',
  rotateSecret: 'applications.rotate-secret',
  /** oauth only: a registered client by its client id. */
  findClient: 'applications.find-client',
  /** oauth only: a confidential client's secret checked (the current one, or the previous within its grace period). */
  authenticateClient: 'applications.authenticate-client',
  putConfig: 'applications.config.put',
  getConfig: 'applications.config.get',
  listConfigVersions: 'applications.config.list-versions',
  getConfigVersion: 'applications.config.get-version',
  diffConfig: 'applications.config.diff',
  rollbackConfig: 'applications.config.rollback',
  createRelease: 'applications.releases.create',
  listReleases: 'applications.releases.list',
  getRelease: 'applications.releases.get',
} as const;
export type ApplicationsPattern = (typeof ApplicationsPatterns)[keyof typeof ApplicationsPatterns];

/** Facts the applications service publishes. Events are past tense (see events.ts). */
export const ApplicationsEvents = {
  created: 'applications.created',
  updated: 'applications.updated',
  /** oauth revokes every token and grant of the client (`clientId`). */
  deleted: 'applications.deleted',
  configPublished: 'applications.config.published',
} as const;

export interface ApplicationCreatedEvent {
  id: string;
  ownerId: string;
  clientId: string;
  name: string;
}

export interface ApplicationUpdatedEvent {
  id: string;
  ownerId: string;
  clientId: string;
  /** The fields the change set (`clientSecret` for a rotation). */
  changed: string[];
}

/** Deleted by its owner or an admin, or with its owner's account (`users.deleted`). */
export interface ApplicationDeletedEvent {
  id: string;
  ownerId: string;
  clientId: string;
}

/** A new configuration version (a PUT or a rollback). */
export interface ConfigPublishedEvent {
  applicationId: string;
  env: string;
  version: number;
  author: string;
}
