export { PersistenceModule } from './lib/persistence.module';
export { KeysetPage } from './lib/cursor';
export { databaseUnavailable, isDatabaseUnavailable, isDuplicateKey } from './lib/database-errors';
export { ExpiryModule } from './lib/expiry';
export { OUTBOX_FIELDS, outboxEvent, type OutboxEvent, OutboxRelay, pushOutbox, withOutbox } from './lib/outbox';
export { type SealedSecret, SecretKeyring } from './lib/sealed-secret';
export { prefixRange } from './lib/prefix';
export { findLiveById, LIVE } from './lib/tombstone';
