import { ensureIndexes, type Migration } from '@site11/persistence';

/**
 * The indexes of the oauth schemas when migrations began; Mongoose's autoIndex built them until
 * then. The expiry indexes are ExpiryModule's: a TTL index on MongoDB, a sweeper on FerretDB.
 */
export const baseline: Migration = {
  id: '0001-baseline',
  description: 'oauth: the indexes of grants, sessions, refresh tokens, sign-in events and signing keys',
  async up(db) {
    await ensureIndexes(db, 'grants', [{ key: { userId: 1, clientId: 1 }, unique: true }, { key: { outboxAt: 1 }, sparse: true }]);
    await ensureIndexes(db, 'sessions', [{ key: { userId: 1 } }]);
    await ensureIndexes(db, 'refresh_tokens', [{ key: { sessionId: 1 } }]);
    await ensureIndexes(db, 'sign_in_events', [{ key: { outboxAt: 1 }, sparse: true }]);
    await ensureIndexes(db, 'signing_keys', [{ key: { generation: 1 }, unique: true }]);
  },
};
