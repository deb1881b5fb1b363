import type { mongo } from 'mongoose';

export interface IndexSpec {
  key: Record<string, 1 | -1>;
  unique?: boolean;
  sparse?: boolean;
}

/**
 * Creates the indexes of a collection that do not exist yet, for a migration: idempotent, since
 * an index that exists with the same key and options is left as it is. They get the driver's
 * default names (`email_1`), as Mongoose's autoIndex gives them, so declaring the same index in a
 * schema and in a migration makes one index; the same key with other options is an error
 * (MongoDB's IndexOptionsConflict), not something to paper over.
 *
 * One `createIndex` per index: FerretDB 1.24 drops the connection when one `createIndexes`
 * names several indexes that all exist.
 */
export async function ensureIndexes(db: mongo.Db, collection: string, indexes: IndexSpec[]): Promise<void> {
  for (const { key, ...options } of indexes) await db.collection(collection).createIndex(key, options);
}
