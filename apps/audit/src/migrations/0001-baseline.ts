import { ensureIndexes, type Migration } from '@site11/persistence';

/**
 * The indexes of the audit log as the service was first released (Mongoose's autoIndex builds
 * them too): the unique event id (each record appended once) and one index per filter of the
 * admins' list, each ending in `_id` (the entry's `seq`) so a filtered page is one index range,
 * newest first.
 */
export const baseline: Migration = {
  id: '0001-baseline',
  description: 'audit: the eventId, actor, action, target, involves and at indexes of entries',
  async up(db) {
    await ensureIndexes(db, 'entries', [
      { key: { eventId: 1 }, unique: true },
      { key: { actor: 1, _id: -1 } },
      { key: { action: 1, _id: -1 } },
      { key: { target: 1, _id: -1 } },
      { key: { involves: 1, _id: -1 } },
      { key: { at: -1 } },
    ]);
  },
};
