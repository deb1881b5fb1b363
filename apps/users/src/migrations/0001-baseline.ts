import { ensureIndexes, type Migration } from '@site11/persistence';

/** The indexes of the users schema when migrations began; Mongoose's autoIndex built them until then. */
export const baseline: Migration = {
  id: '0001-baseline',
  description: 'users: the unique email, nameLower and outbox indexes',
  async up(db) {
    await ensureIndexes(db, 'users', [{ key: { email: 1 }, unique: true }, { key: { nameLower: 1 } }, { key: { outboxAt: 1 }, sparse: true }]);
  },
};
