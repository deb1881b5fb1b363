import { type DynamicModule, type InjectionToken, Module, type Type } from '@nestjs/common';
import type { ServiceConfig } from '@site11/config';
import { MongooseModule, type MongooseModuleOptions } from '@nestjs/mongoose';
import mongoose from 'mongoose';
import { APP_INTERCEPTOR } from '@nestjs/core';
import { DATABASE_NAME, DatabaseErrorsInterceptor } from './database-errors';
import type { Migration } from './migrations';
import { OUTBOX_OPTIONS, OutboxRelay, type OutboxOptions } from './outbox';
import { declareServiceDatabase } from './service-database';
import { AUDIT_PRODUCER, AuditTrail } from './audit-trail';
import { PendingEvent, PendingEventSchema, PendingEvents } from './pending-events';
import type { AuditProducer } from '@site11/contracts';

export interface PersistenceOptions {
  /** `mongodb://` URL of the server; the database is chosen by `dbName`, not by the URL path. */
  uri: string;
  /** This service's own database, e.g. `users_db`. */
  dbName: string;
  /** When true, refuse a database whose name does not mark it as a test database. */
  requireTestDatabase?: boolean;
  /** How long an operation waits for a reachable server before it fails (ms, default 2000). */
  serverSelectionTimeoutMs?: number;
}

export interface PersistenceAsyncOptions {
  inject?: InjectionToken[];
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- mirrors Nest's own factory typing
  useFactory: (...args: any[]) => PersistenceOptions | Promise<PersistenceOptions>;
}

const DB_NAME_PATTERN = /^[A-Za-z0-9_-]{1,63}$/;

export function assertDatabaseName(options: PersistenceOptions): void {
  if (!DB_NAME_PATTERN.test(options.dbName)) {
    throw new Error(`Database name "${options.dbName}" is not valid (letters, digits, _ and -, at most 63)`);
  }
  if (options.requireTestDatabase && !/(^|_)test(_|$)/.test(options.dbName)) {
    throw new Error(`Refusing to run tests against "${options.dbName}": test database names contain "_test_"`);
  }
}

export function mongooseOptions(options: PersistenceOptions): MongooseModuleOptions {
  assertDatabaseName(options);
  return {
    uri: options.uri,
    dbName: options.dbName,
    serverSelectionTimeoutMS: options.serverSelectionTimeoutMs ?? 2000,
    // Mongoose buffers operations while disconnected by default, which turns a database outage
    // into requests that hang until the caller's deadline; fail them instead.
    bufferCommands: false,
    autoIndex: true,
    autoCreate: true,
  };
}

/** A service's database settings, from its config: a test run refuses a database not named as one. */
export function serviceOptions<C extends ServiceConfig>(config: C, dbName: (config: C) => string): PersistenceOptions {
  return {
    uri: config.MONGODB_URI,
    dbName: dbName(config),
    requireTestDatabase: config.NODE_ENV === 'test',
    serverSelectionTimeoutMs: config.MONGODB_SERVER_SELECTION_TIMEOUT_MS,
  };
}

/**
 * Mongoose records `new Error().stack` on every query, to report where a query was run twice;
 * with source maps on, that was 3 % of a service's CPU per request (docs/performance.md).
 */
mongoose.set('skipOriginalStackTraces', true);

/** One MongoDB database per service, on the app's default mongoose connection. */
@Module({})
export class PersistenceModule {
  /**
   * The usual wiring of a platform service: `MONGODB_URI` from its config, its own database, in
   * tests a refusal of any database not named as a test one, the outbox relay, and a database
   * outage answered as SERVICE_UNAVAILABLE by every message handler. Its `migrations` are applied
   * by `bootstrapService` before the app is built, as MIGRATE says (docs/migrations.md).
   * With `audit: '<service>'` it also provides `AuditTrail` (and `PendingEvents`, the tombstones
   * it writes), publishing on `<service>.audit.recorded` (docs/audit.md).
   */
  static forService<C extends ServiceConfig>(
    config: Type<C>,
    dbName: (config: C) => string,
    options: { migrations?: readonly Migration[]; audit?: AuditProducer } = {},
  ): DynamicModule {
    const root = PersistenceModule.forRootAsync({
      inject: [config],
      useFactory: (values: C) => serviceOptions(values, dbName),
    });
    const audit = options.audit
      ? {
          imports: [MongooseModule.forFeature([{ name: PendingEvent.name, schema: PendingEventSchema }])],
          providers: [{ provide: AUDIT_PRODUCER, useValue: options.audit }, PendingEvents, AuditTrail],
          exports: [PendingEvents, AuditTrail],
        }
      : { imports: [], providers: [], exports: [] };
    const persistence: DynamicModule = {
      ...root,
      imports: [...(root.imports ?? []), ...audit.imports],
      global: true,
      providers: [
        { provide: OUTBOX_OPTIONS, inject: [config], useFactory: outboxOptions },
        OutboxRelay,
        { provide: DATABASE_NAME, inject: [config], useFactory: dbName },
        { provide: APP_INTERCEPTOR, useClass: DatabaseErrorsInterceptor },
        ...audit.providers,
      ],
      exports: [OutboxRelay, ...audit.exports],
    };
    declareServiceDatabase(persistence, { config, dbName, migrations: options.migrations ?? [] });
    return persistence;
  }

  static forRootAsync(options: PersistenceAsyncOptions): DynamicModule {
    return {
      module: PersistenceModule,
      imports: [
        MongooseModule.forRootAsync({
          inject: options.inject,
          useFactory: async (...args: unknown[]) => mongooseOptions(await options.useFactory(...args)),
        }),
      ],
    };
  }
}

function outboxOptions(config: ServiceConfig): OutboxOptions {
  const killBeforePublish = config.FAULT_KILL_BEFORE_PUBLISH.split(',').map((p) => p.trim()).filter(Boolean);
  if (killBeforePublish.length > 0 && config.NODE_ENV !== 'test') {
    throw new Error('FAULT_KILL_BEFORE_PUBLISH is a test fault hook: it is refused unless NODE_ENV=test');
  }
  return { sweepMs: config.OUTBOX_SWEEP_MS, scanMs: config.OUTBOX_SCAN_MS, sweepAfterMs: 2000, killBeforePublish };
}
