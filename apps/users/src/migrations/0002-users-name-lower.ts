import type { Migration } from '@site11/persistence';

/**
 * A user written without the service (a restore, an import, an admin made by hand) has no
 * `nameLower`, so the database search (`USERS_SEARCH_INDEX=database`) never finds it by name.
 * Only users without it are read and written, so a second run finds nothing to do; a rename
 * made meanwhile by the service, which sets `nameLower` itself, is left as it is. `updatedAt`
 * stays: nothing a client sees changes.
 *
 * One `updateOne` per user: FerretDB 1.24 stops answering a bulk write of a few hundred updates.
 */
export const usersNameLower: Migration = {
  id: '0002-users-name-lower',
  description: 'users: nameLower, the lower-cased name the search reads, set where it is missing',
  async up(db) {
    const users = db.collection<{ name?: unknown; nameLower?: string }>('users');
    for await (const user of users.find({ nameLower: { $exists: false } }, { projection: { name: 1 } })) {
      if (typeof user.name !== 'string') continue;
      await users.updateOne({ _id: user._id, nameLower: { $exists: false } }, { $set: { nameLower: user.name.toLowerCase() } });
    }
  },
};
