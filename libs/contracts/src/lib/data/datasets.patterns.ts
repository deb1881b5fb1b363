/** Message patterns of datasets, served by the data service. Commands are verbs. */
export const DatasetsPatterns = {
  create: 'data.datasets.create',
  list: 'data.datasets.list',
  findById: 'data.datasets.find-by-id',
  update: 'data.datasets.update',
  remove: 'data.datasets.remove',
  replaceSchema: 'data.datasets.replace-schema',
  listVersions: 'data.datasets.list-versions',
  rollback: 'data.datasets.rollback',
  findImport: 'data.imports.find-by-id',
  listImports: 'data.imports.list',
  queryRows: 'data.rows.query',
  findRow: 'data.rows.find-by-id',
  updateRow: 'data.rows.update',
  removeRow: 'data.rows.remove',
  aggregate: 'data.rows.aggregate',
  previewTransform: 'data.transform.preview',
  applyTransform: 'data.transform.apply',
} as const;
export type DatasetsPattern = (typeof DatasetsPatterns)[keyof typeof DatasetsPatterns];

/**
 * Routes of the data service's own HTTP listener (its health port), called by the gateway
 * only: bodies that are files (an import, an export, rejected rows) stream there instead of
 * crossing Redis as messages.
 */
export const DataHttpPaths = {
  imports: (datasetId: string) => `/internal/data/datasets/${datasetId}/imports`,
  rejected: (datasetId: string, jobId: string) => `/internal/data/datasets/${datasetId}/imports/${jobId}/rejected.csv`,
  export: (datasetId: string) => `/internal/data/datasets/${datasetId}/export`,
} as const;

/** Facts the data service publishes about datasets. Events are past tense (see events.ts). */
export const DatasetsEvents = {
  created: 'data.dataset.created',
  updated: 'data.dataset.updated',
  deleted: 'data.dataset.deleted',
  importCompleted: 'data.import.completed',
  importFailed: 'data.import.failed',
  transformApplied: 'data.transform.applied',
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

/** An import finished and its rows are the dataset's current version. */
export interface ImportCompletedEvent {
  id: string;
  datasetId: string;
  ownerId: string;
  mode: 'strict' | 'skip-invalid';
  version: number;
  rowsRead: number;
  rowsImported: number;
  rowsRejected: number;
}

/** An import ended without changing the dataset (a strict import with invalid rows, an unreadable file...). */
export interface ImportFailedEvent {
  id: string;
  datasetId: string;
  ownerId: string;
  mode: 'strict' | 'skip-invalid';
  rowsRead: number;
  rowsRejected: number;
  /** A stable code, e.g. DATA.INVALID_ROWS, DATA.MALFORMED_FILE. */
  reason: string;
}

/** A transformation made a new current version. */
export interface TransformAppliedEvent {
  datasetId: string;
  ownerId: string;
  version: number;
  steps: string[];
  rowsIn: number;
  rowsOut: number;
}
