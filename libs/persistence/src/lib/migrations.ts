import { Logger, type LoggerService } from '@nestjs/common';
import type { mongo } from 'mongoose';
import { performance } from 'node:perf_hooks';
import { isDuplicateKey } from './database-errors';
import { MIGRATIONS_LOCK_COLLECTION, type MigrationLease, MigrationLock } from './migration-lock';

/**
 * One change of a service's database, applied once per database (docs/migrations.md).
 *
 * `up` must be idempotent: it may run again after a crash, a lost lock or a failure part-way, so
 * it states the end it wants ("every user has nameLower", "this index exists") rather than a step
 * from the state it expects. It must also leave the database usable by the previous release,
 * which keeps serving during an upgrade and serves again after a rollback.
 */
export interface Migration {
  /** `NNNN-what-it-does`: unique, and increasing along the service's list. Never changed once released. */
  readonly id: string;
  readonly description: string;
  up(db: mongo.Db): Promise<void>;
}

/** A migration applied to this database, in the `migrations` collection. */
export interface MigrationRecord {
  _id: string;
  description: string;
  appliedAt: Date;
  durationMs: number;
  /** INSTANCE_ID of the runner that applied it. */
  appliedBy: string;
}

export const MIGRATIONS_COLLECTION = 'migrations';

export interface MigrationStatus {
  /** Ids of the applied migrations this build knows, in its order. */
  applied: string[];
  /** Ids of this build's migrations not applied yet, in its order. */
  pending: string[];
  /** Ids of applied migrations this build does not know: a newer release applied them. */
  unknown: string[];
}

export interface MigrationRunnerOptions {
  /** Who runs them (INSTANCE_ID): recorded with each migration and on the lock. */
  owner: string;
  /** Lease of the lock (ms, default 30 s): how long a crashed runner blocks the next one. */
  leaseMs?: number;
  /** How often a runner waiting for the lock looks again (ms, default 1 s). */
  pollMs?: number;
  logger?: LoggerService;
}

export class MigrationFailedError extends Error {
  constructor(
    readonly migrationId: string,
    readonly reason: unknown,
  ) {
    super(`Migration ${migrationId} failed, nothing recorded (the next run tries it again): ${reason instanceof Error ? reason.message : String(reason)}`);
    this.name = 'MigrationFailedError';
  }
}

const MIGRATION_ID = /^(\d{4})-[a-z0-9]+(?:-[a-z0-9]+)*$/;

/**
 * Refuses a list a runner could not apply in one agreed order: a bad or repeated id, or ids out
 * of order (two branches that each added `0002-…` meet here, not in production).
 */
export function assertMigrationList(migrations: readonly Migration[]): void {
  let previous: Migration | undefined;
  for (const migration of migrations) {
    const number = MIGRATION_ID.exec(migration.id)?.[1];
    if (number === undefined) throw new Error(`Migration id "${migration.id}" is not NNNN-kebab-case (e.g. 0002-users-name-lower)`);
    if (!migration.description?.trim()) throw new Error(`Migration ${migration.id} has no description`);
    if (typeof migration.up !== 'function') throw new Error(`Migration ${migration.id} has no up(db)`);
    if (previous && Number(number) <= Number(previous.id.slice(0, 4))) {
      throw new Error(`Migration ${migration.id} comes after ${previous.id}: numbers must increase along the list, each used once`);
    }
    previous = migration;
  }
}

/**
 * Applies a service's pending migrations, in the order of its list, each once per database,
 * under a lock (MigrationLock) so that concurrent runners apply each one once. A migration is
 * recorded in `migrations` only when its `up` returned; one that fails stops the run and is tried
 * again by the next.
 */
export class MigrationRunner {
  private readonly logger: LoggerService;
  private readonly records: mongo.Collection<MigrationRecord>;
  private readonly lock: MigrationLock;

  constructor(
    private readonly db: mongo.Db,
    private readonly migrations: readonly Migration[],
    private readonly options: MigrationRunnerOptions,
  ) {
    assertMigrationList(migrations);
    this.logger = options.logger ?? new Logger('Migrations');
    this.records = db.collection<MigrationRecord>(MIGRATIONS_COLLECTION);
    this.lock = new MigrationLock(db.collection<MigrationLease>(MIGRATIONS_LOCK_COLLECTION), {
      owner: options.owner,
      leaseMs: options.leaseMs ?? 30_000,
      pollMs: options.pollMs ?? 1000,
      logger: this.logger,
    });
  }

  async status(): Promise<MigrationStatus> {
    const applied = new Set((await this.records.find({}, { projection: { _id: 1 } }).toArray()).map((record) => record._id));
    const known = new Set(this.migrations.map((migration) => migration.id));
    return {
      applied: this.migrations.filter((migration) => applied.has(migration.id)).map((migration) => migration.id),
      pending: this.migrations.filter((migration) => !applied.has(migration.id)).map((migration) => migration.id),
      unknown: [...applied].filter((id) => !known.has(id)).sort(),
    };
  }

  /** Applies what is pending; the status is read again under the lock, as another runner may have applied it meanwhile. */
  async run(): Promise<MigrationStatus & { appliedNow: string[] }> {
    const before = await this.status();
    if (before.pending.length === 0) return { ...before, appliedNow: [] };
    const lock = await this.lock.acquire();
    const appliedNow: string[] = [];
    try {
      for (const id of (await this.status()).pending) {
        lock.assertHeld();
        const migration = this.migrations.find((candidate) => candidate.id === id) as Migration;
        const started = performance.now();
        try {
          await migration.up(this.db);
        } catch (error) {
          throw new MigrationFailedError(id, error);
        }
        const durationMs = Math.round(performance.now() - started);
        await this.record({ _id: id, description: migration.description, appliedAt: new Date(), durationMs, appliedBy: this.options.owner });
        this.logger.log(`Applied migration ${id} in ${durationMs} ms: ${migration.description}`);
        appliedNow.push(id);
      }
    } finally {
      await lock.release();
    }
    return { ...(await this.status()), appliedNow };
  }

  private async record(record: MigrationRecord): Promise<void> {
    try {
      await this.records.insertOne(record);
    } catch (error) {
      // a runner that took over a lease this one let run out applied it too: one record is enough
      if (!isDuplicateKey(error)) throw error;
    }
  }
}
