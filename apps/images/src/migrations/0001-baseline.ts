import { ensureIndexes, type Migration } from '@site11/persistence';

/** The indexes of the images schema when migrations began; Mongoose's autoIndex built them until then. */
export const baseline: Migration = {
  id: '0001-baseline',
  description: 'images: the owner, file name, dedupe key, file ids, public token and outbox indexes',
  async up(db) {
    await ensureIndexes(db, 'images', [
      { key: { ownerId: 1 } },
      { key: { filenameLower: 1 } },
      { key: { dedupeKey: 1 }, unique: true },
      { key: { fileIds: 1 } },
      { key: { publicToken: 1 }, unique: true },
      { key: { outboxAt: 1 }, sparse: true },
    ]);
  },
};
