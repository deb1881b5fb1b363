export * from './lib/persistence.module';
export * from './lib/cursor';
export * from './lib/outbox';
export * from './lib/sealed-secret';
export * from './lib/expiry';
