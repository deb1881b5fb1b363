export { PersistenceModule } from './lib/persistence.module';
export { InvalidCursorError, KeysetPage } from './lib/cursor';
// a record's shape and how it is built are contracts' (the gateway records too)
export { type AuditedAction, auditRecord } from '@site11/contracts';
export { auditEvent, AuditTrail } from './lib/audit-trail';
export { PendingEvent, PendingEventSchema, PendingEvents } from './lib/pending-events';
export { databaseUnavailable, isDatabaseUnavailable, isDuplicateKey } from './lib/database-errors';
export { ensureIndexes, type IndexSpec } from './lib/ensure-indexes';
export { ExpiryModule } from './lib/expiry';
export { migrateBeforeServing } from './lib/migrate-at-boot';
export { MigrationFailedError, type Migration, type MigrationRecord, MigrationRunner } from './lib/migrations';
export { changeWithEvents, OUTBOX_FIELDS, outboxEvent, type OutboxEvent, OutboxRelay, pushOutbox, withOutbox } from './lib/outbox';
export { type SealedSecret, SecretKeyring } from './lib/sealed-secret';
export { prefixRange } from './lib/prefix';
export { findLiveById, LIVE } from './lib/tombstone';
