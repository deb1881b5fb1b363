import type { DynamicModule, Type } from '@nestjs/common';
import { MODULE_METADATA } from '@nestjs/common/constants';
import type { ServiceConfig } from '@site11/config';
import type { Migration } from './migrations';

/** A service's database as its root module declares it with `PersistenceModule.forService`. */
export interface ServiceDatabase<C extends ServiceConfig = ServiceConfig> {
  config: Type<C>;
  dbName: (config: C) => string;
  /** In the order they apply (`apps/<service>/src/migrations/index.ts`). */
  migrations: readonly Migration[];
}

const declared = new WeakMap<DynamicModule, ServiceDatabase>();

export function declareServiceDatabase<C extends ServiceConfig>(module: DynamicModule, database: ServiceDatabase<C>): void {
  declared.set(module, database as unknown as ServiceDatabase);
}

/**
 * The database a root module declares by importing `PersistenceModule.forService`, read from its
 * `@Module` metadata: the migrations run before the module is built (see migrateBeforeServing),
 * from the one place that names the database and its migrations.
 */
export function serviceDatabaseOf(rootModule: Type<unknown>): ServiceDatabase | undefined {
  const imports: unknown[] = Reflect.getMetadata(MODULE_METADATA.IMPORTS, rootModule) ?? [];
  for (const imported of imports) {
    const database = typeof imported === 'object' && imported !== null ? declared.get(imported as DynamicModule) : undefined;
    if (database) return database;
  }
  return undefined;
}
