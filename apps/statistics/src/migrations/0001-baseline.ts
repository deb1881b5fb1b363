import { ensureIndexes, type Migration } from '@site11/persistence';

/** The indexes of the reports schema when migrations began; Mongoose's autoIndex built them until then. */
export const baseline: Migration = {
  id: '0001-baseline',
  description: 'statistics: the owner, status and outbox indexes of reports',
  async up(db) {
    await ensureIndexes(db, 'reports', [{ key: { ownerId: 1 } }, { key: { status: 1 } }, { key: { outboxAt: 1 }, sparse: true }]);
  },
};
