import { ensureIndexes, type Migration } from '@site11/persistence';

/** The indexes of the applications schemas when migrations began; Mongoose's autoIndex built them until then. */
export const baseline: Migration = {
  id: '0001-baseline',
  description: 'applications: the indexes of applications, config versions and releases',
  async up(db) {
    await ensureIndexes(db, 'applications', [
      { key: { ownerId: 1 } },
      { key: { clientId: 1 }, unique: true },
      { key: { nameLower: 1 } },
      { key: { outboxAt: 1 }, sparse: true },
    ]);
    await ensureIndexes(db, 'config_versions', [{ key: { applicationId: 1, env: 1, version: -1 }, unique: true }, { key: { outboxAt: 1 }, sparse: true }]);
    await ensureIndexes(db, 'releases', [{ key: { applicationId: 1, version: 1 }, unique: true }, { key: { applicationId: 1, _id: -1 } }]);
  },
};
