import type { LoggerService } from '@nestjs/common';
import type { mongo } from 'mongoose';
import { randomUUID } from 'node:crypto';
import { isDuplicateKey } from './database-errors';

/** Where the leases of a database's migrations lock are kept, beside its `migrations` records. */
export const MIGRATIONS_LOCK_COLLECTION = 'migrations_lock';

/** One lease of the lock: the lease with the highest number is the lock. */
export interface MigrationLease {
  _id: number;
  /** Who took it (INSTANCE_ID), for the logs of whoever waits. */
  owner: string;
  /** Tells this taking of the lock from any other by the same owner. */
  token: string;
  acquiredAt: Date;
  /** Renewed by its holder every third of the lease; past it, the next runner takes over. */
  expiresAt: Date;
  releasedAt?: Date;
}

export interface MigrationLockOptions {
  owner: string;
  /** How long a lease lasts unless renewed (ms): how long a crashed runner blocks the next one. */
  leaseMs: number;
  /** How often a waiting runner looks at the lock again (ms). */
  pollMs: number;
  logger: LoggerService;
}

export class MigrationLockLostError extends Error {
  constructor(owner: string, lease: number) {
    super(`${owner} lost the migrations lock (lease ${lease} ran out and another runner took over): stopped before the next migration`);
    this.name = 'MigrationLockLostError';
  }
}

/**
 * A lock over a database's migrations: a runner holds it while it applies them, so two replicas or
 * Jobs never run them at once, and a crashed holder blocks the others only until its lease runs out.
 *
 * Leases are numbered documents, and the lock is taken by inserting the next number: a unique
 * `_id` is the one write FerretDB 1.24 makes atomic. Its conditional updates and deletes read the
 * matching documents, then write them by `_id`, so a compare-and-set or a "delete the stale lock"
 * on a single `_id: 'lock'` document lets several runners win at once (measured: 8 concurrent
 * compare-and-sets on one document won 2 to 8 times out of 8). Here nobody writes a lease but its
 * holder; others only add the next one, once they have seen it run out or released.
 */
export class MigrationLock {
  constructor(
    private readonly leases: mongo.Collection<MigrationLease>,
    private readonly options: MigrationLockOptions,
  ) {}

  /** Waits until this runner holds the lock, taking over a lease that ran out. */
  async acquire(): Promise<HeldMigrationLock> {
    let waitedFor: string | undefined;
    for (;;) {
      const newest = await this.newest();
      const now = Date.now();
      if (newest && !newest.releasedAt && newest.expiresAt.getTime() > now) {
        if (waitedFor !== newest.token) {
          this.options.logger.log(`Waiting for the migrations lock, held by ${newest.owner} (lease until ${newest.expiresAt.toISOString()})`);
          waitedFor = newest.token;
        }
        await new Promise((resolve) => setTimeout(resolve, this.options.pollMs));
        continue;
      }
      const lease: MigrationLease = {
        _id: (newest?._id ?? 0) + 1,
        owner: this.options.owner,
        token: randomUUID(),
        acquiredAt: new Date(now),
        expiresAt: new Date(now + this.options.leaseMs),
      };
      try {
        await this.leases.insertOne(lease);
      } catch (error) {
        if (isDuplicateKey(error)) continue; // another runner took this number first
        throw error;
      }
      // A runner whose read is older than a pruning could insert a pruned number again: its lease
      // is the lock only if nothing newer exists.
      if ((await this.newest())?._id !== lease._id) continue;
      if (newest && !newest.releasedAt) {
        this.options.logger.warn(`Took over the migrations lock of ${newest.owner}, whose lease ran out at ${newest.expiresAt.toISOString()}`);
      }
      await this.leases.deleteMany({ _id: { $lt: lease._id } });
      return new HeldMigrationLock(this.leases, lease, this.options);
    }
  }

  private newest(): Promise<MigrationLease | null> {
    return this.leases.find({}).sort({ _id: -1 }).limit(1).next();
  }
}

/** The lock as its holder has it: renewed in the background until released. */
export class HeldMigrationLock {
  private lost = false;
  /** Until when the lease is known to be this runner's, by its own clock. */
  private validUntil: number;
  private readonly timer: NodeJS.Timeout;
  private renewing?: Promise<void>;

  constructor(
    private readonly leases: mongo.Collection<MigrationLease>,
    private readonly lease: MigrationLease,
    private readonly options: MigrationLockOptions,
  ) {
    this.validUntil = lease.expiresAt.getTime();
    this.timer = setInterval(() => {
      this.renewing ??= this.renew().finally(() => (this.renewing = undefined));
    }, Math.max(1, Math.floor(options.leaseMs / 3)));
    this.timer.unref();
  }

  /** Throws when the lease ran out or another runner took over: no migration may start then. */
  assertHeld(): void {
    if (this.lost || Date.now() >= this.validUntil) throw new MigrationLockLostError(this.options.owner, this.lease._id);
  }

  async release(): Promise<void> {
    clearInterval(this.timer);
    await this.renewing;
    if (this.lost) return;
    await this.leases.updateOne({ _id: this.lease._id, token: this.lease.token }, { $set: { releasedAt: new Date() } });
  }

  private async renew(): Promise<void> {
    if (this.lost) return;
    const renewedAt = Date.now();
    try {
      // only the holder ever writes its lease, so this update races with nobody
      await this.leases.updateOne({ _id: this.lease._id, token: this.lease.token }, { $set: { expiresAt: new Date(renewedAt + this.options.leaseMs) } });
      if (await this.leases.findOne({ _id: { $gt: this.lease._id } }, { projection: { _id: 1 } })) {
        this.lost = true;
        this.options.logger.error(`Lost the migrations lock: another runner took over lease ${this.lease._id}`);
        return;
      }
      this.validUntil = renewedAt + this.options.leaseMs;
    } catch (error) {
      this.options.logger.warn(`Could not renew the migrations lock (tried again in ${Math.floor(this.options.leaseMs / 3)} ms): ${(error as Error).message}`);
    }
  }
}
