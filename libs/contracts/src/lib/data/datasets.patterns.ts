/** Message patterns of datasets, served by the data service. Commands are verbs. */
export const DatasetsPatterns = {
  create: 'data.datasets.create',
  list: 'data.datasets.list',
  findById: 'data.datasets.find-by-id',
  update: 'data.datasets.update',
  remove: 'data.datasets.remove',
} as const;
export type DatasetsPattern = (typeof DatasetsPatterns)[keyof typeof DatasetsPatterns];

/** Facts the data service publishes about datasets. Events are past tense (see events.ts). */
export const DatasetsEvents = {
  created: 'data.dataset.created',
  updated: 'data.dataset.updated',
  deleted: 'data.dataset.deleted',
} as const;

export interface DatasetCreatedEvent {
  id: string;
  ownerId: string;
  name: string;
}

export interface DatasetUpdatedEvent {
  id: string;
  ownerId: string;
  /** The fields the change set. */
  changed: string[];
}

/** Deleted by its owner or an admin, or with its owner's account (`users.deleted`). */
export interface DatasetDeletedEvent {
  id: string;
  ownerId: string;
}
