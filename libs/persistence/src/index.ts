export { PersistenceModule, type PersistenceOptions, type PersistenceAsyncOptions } from './lib/persistence.module';
export { decodeCursor, encodeCursor, InvalidCursorError, KeysetPage } from './lib/cursor';
export { databaseUnavailable, isDatabaseUnavailable, isDuplicateKey } from './lib/database-errors';
export * from './lib/outbox';
export * from './lib/sealed-secret';
export * from './lib/expiry';
export { LIVE } from './lib/tombstone';
