import { ensureIndexes, type Migration } from '@site11/persistence';

/**
 * The indexes of the data schemas when migrations began; Mongoose's autoIndex built them until
 * then. The row store's collections (one per dataset version) are read by `_id` alone.
 */
export const baseline: Migration = {
  id: '0001-baseline',
  description: 'data: the indexes of datasets and import jobs',
  async up(db) {
    await ensureIndexes(db, 'datasets', [{ key: { ownerId: 1 } }, { key: { nameLower: 1 } }, { key: { outboxAt: 1 }, sparse: true }]);
    await ensureIndexes(db, 'import_jobs', [{ key: { datasetId: 1 } }]);
  },
};
