import { ConsoleLogger, type DynamicModule, Logger, type LoggerService, Module, type Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { AppConfigModule, type ServiceConfig } from '@site11/config';
import { ObservabilityModule, StructuredLogger } from '@site11/observability';
import mongoose, { type ConnectOptions } from 'mongoose';
import { MigrationFailedError, MigrationRunner, type MigrationRunnerOptions, type MigrationStatus } from './migrations';
import { mongooseOptions, serviceOptions } from './persistence.module';
import { type ServiceDatabase, serviceDatabaseOf } from './service-database';

/** What the process does once the migrations are done: serve, or exit 0 (MIGRATE=only). */
export type AfterMigrations = 'serve' | 'exit';

@Module({})
class MigrationsContextModule {}

/**
 * Runs the migrations a root module declares (`PersistenceModule.forService`), as MIGRATE says,
 * before the module is built: in a context of their own holding the app's validated config and
 * its structured logger, and a connection to its database, nothing else. So the schema is current
 * before any handler, timer, consumer or Mongoose autoIndex of the app runs, and a migration Job
 * (MIGRATE=only) needs MongoDB alone: the app itself would not start without Redis.
 */
export async function migrateBeforeServing(rootModule: Type<unknown>, service: string): Promise<AfterMigrations> {
  const database = serviceDatabaseOf(rootModule);
  if (!database) return 'serve';
  const context = await NestFactory.createApplicationContext(migrationsContext(service, database.config), {
    bufferLogs: true,
    abortOnError: false,
  });
  try {
    context.useLogger(context.get(StructuredLogger));
    return await migrateDatabase(context.get(database.config), database, new Logger('Migrations'));
  } finally {
    await context.close();
    // until the app installs its own logger, Nest's console logger prints, as it did before
    // migrations ran first (a refusal to start is read by people, in plain text)
    Logger.overrideLogger(new ConsoleLogger());
  }
}

function migrationsContext(service: string, config: Type<ServiceConfig>): DynamicModule {
  return {
    module: MigrationsContextModule,
    imports: [
      AppConfigModule.forRoot(config),
      ObservabilityModule.forRootAsync(
        { inject: [config], useFactory: (values: ServiceConfig) => ({ service, instanceId: values.INSTANCE_ID, level: values.LOG_LEVEL }) },
        { rpcMetrics: false },
      ),
    ],
  };
}

/**
 * MIGRATE=auto applies the pending migrations (waiting for the lock if another runner holds it)
 * and serves; `only` applies them and exits; `off` applies none, and warns when some are pending
 * (the deploy's Job did not run) or when it cannot tell. In every mode, migrations applied by a
 * newer release are a warning, not a refusal: each migration keeps the previous release working,
 * and refusing would fail the rollback that needs to start.
 */
export async function migrateDatabase<C extends ServiceConfig>(
  config: C,
  database: ServiceDatabase<C>,
  logger: LoggerService,
  runnerOptions: Pick<MigrationRunnerOptions, 'leaseMs' | 'pollMs'> = {},
): Promise<AfterMigrations> {
  const mode = config.MIGRATE;
  const { uri, ...connectOptions } = mongooseOptions(serviceOptions(config, database.dbName));
  const dbName = connectOptions.dbName as string;
  let connection: mongoose.Connection | undefined;
  try {
    connection = await mongoose.createConnection(uri as string, { ...(connectOptions as ConnectOptions), autoIndex: false, autoCreate: false }).asPromise();
    const runner = new MigrationRunner(connection.db as mongoose.mongo.Db, database.migrations, { ...runnerOptions, owner: config.INSTANCE_ID, logger });
    if (mode === 'off') {
      const status = await runner.status();
      if (status.pending.length > 0) {
        logger.warn(`MIGRATE=off, and ${dbName} has ${status.pending.length} pending migration(s): ${status.pending.join(', ')} (did the deploy's migration Job run?)`);
      }
      warnOfUnknown(logger, dbName, status);
      return 'serve';
    }
    const status = await runner.run();
    warnOfUnknown(logger, dbName, status);
    logger.log(`${dbName} is migrated: ${status.appliedNow.length} applied now, ${status.applied.length} of ${database.migrations.length} in all`);
    return mode === 'only' ? 'exit' : 'serve';
  } catch (error) {
    if (mode !== 'off') throw error instanceof MigrationFailedError ? error : new Error(`Could not migrate ${dbName}: ${(error as Error).message}`, { cause: error });
    logger.warn(`MIGRATE=off, and ${dbName}'s migrations could not be checked: ${(error as Error).message}`);
    return 'serve';
  } finally {
    await connection?.close();
  }
}

function warnOfUnknown(logger: LoggerService, dbName: string, status: MigrationStatus): void {
  if (status.unknown.length === 0) return;
  logger.warn(
    `${dbName} has migrations this build does not know, applied by a newer release: ${status.unknown.join(', ')}. ` +
      'Serving anyway: every migration keeps the previous release working (docs/migrations.md)',
  );
}
