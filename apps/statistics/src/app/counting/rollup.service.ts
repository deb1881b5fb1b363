import { Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { InjectConnection } from '@nestjs/mongoose';
import { MetricsService } from '@site11/observability';
import type { Connection, mongo } from 'mongoose';
import { randomUUID } from 'node:crypto';
import { retentionProblems, StatisticsConfig } from '../statistics.config';
import { CounterStore, mergeRecords } from './counter-store';
import { DAY, floorTo, HOUR } from './time-slots';

interface Lease {
  _id: string;
  holder: string;
  until: Date;
}

const LEASE_MS = 60_000;
const RETENTION_EVERY_MS = 10 * 60_000;

/**
 * Turns raw events into buckets, one runner at a time (a lease in the database, so two
 * statistics replicas never interleave their writes). A pass takes the sealed windows of pending events,
 * recomputes the minute buckets of their minutes from every raw event of those minutes, the hour
 * buckets of their hours from the minute buckets, the day buckets from the hour buckets, and only
 * then drops those windows. A pass that dies midway is simply run again: nothing is
 * incremented, so nothing can be counted twice. Retention drops whole partitions.
 */
@Injectable()
export class RollupService implements OnModuleInit, OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(RollupService.name);
  private readonly holder = randomUUID();
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;
  private stopped = false;
  private lastRetention = 0;
  private leaseHeld = false;

  constructor(
    private readonly store: CounterStore,
    private readonly config: StatisticsConfig,
    @InjectConnection() private readonly connection: Connection,
    metrics: MetricsService,
  ) {
    metrics.gauge('statistics_rollup_pending', 'Events stored but not rolled up into buckets yet', [], async (gauge) => {
      gauge.set(await this.store.pendingCount().catch(() => Number.NaN));
    });
  }

  private get leases(): mongo.Collection<Lease> {
    return (this.connection.db as unknown as mongo.Db).collection<Lease>('leases');
  }

  onModuleInit(): void {
    const problems = retentionProblems(this.config);
    if (problems.length > 0) throw new Error(`Invalid statistics configuration: ${problems.join('; ')}`);
  }

  onApplicationBootstrap(): void {
    this.schedule(this.config.STATISTICS_ROLLUP_MS);
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running?.catch(() => undefined);
    await this.leases.deleteOne({ _id: 'rollup', holder: this.holder }).catch(() => undefined);
  }

  private schedule(ms: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.running = this.tick().then(
        (more) => this.schedule(more ? 0 : this.config.STATISTICS_ROLLUP_MS),
        (error: unknown) => {
          this.logger.warn(`Rollup pass failed: ${(error as Error).message}`);
          this.schedule(this.config.STATISTICS_ROLLUP_MS);
        },
      );
    }, ms);
    this.timer.unref();
  }

  /** One pass if this instance holds the lease; true when there is more to do at once. */
  async tick(now = Date.now()): Promise<boolean> {
    // dropping an expired partition is the same whoever does it: every instance checks, lease or not
    if (now - this.lastRetention >= RETENTION_EVERY_MS) {
      this.lastRetention = now;
      await this.applyRetention(now);
    }
    if (!(await this.acquire(now))) return false;
    return this.rollUp();
  }

  /**
   * Rolls up the sealed pending windows, oldest first, up to about `STATISTICS_ROLLUP_BATCH`
   * events (at least one window); true if windows are left.
   */
  async rollUp(now = Date.now()): Promise<boolean> {
    await this.keepLease();
    await this.store.applyErasures(() => this.keepLease());
    const sealed = await this.store.sealPendingWindows(now);
    if (sealed.length === 0) return false;
    const taken: number[] = [];
    const batch: { m: number }[] = [];
    for (const window of sealed) {
      if (taken.length > 0 && batch.length >= this.config.STATISTICS_ROLLUP_BATCH) break;
      batch.push(...(await this.store.pendingIn(window)));
      taken.push(window);
    }
    // a minute whose raw events retention already dropped (a rollup days behind) keeps its buckets
    const rawKeptFrom = now - this.config.STATISTICS_LATE_WINDOW_MS - DAY + HOUR;
    const all = [...new Set(batch.map((pending) => pending.m))].sort((a, b) => a - b);
    const minutes = all.filter((minute) => minute >= rawKeptFrom);
    if (minutes.length < all.length) this.logger.error(`${all.length - minutes.length} minute(s) were not rolled up before their raw events expired; their buckets stay as they were`);
    if (minutes.length > 0) {
      const records = await this.store.rawRecords(minutes);
      await this.keepLease();
      await this.store.replaceSlots('minute', minutes, records);
      const hours = [...new Set(minutes.map((minute) => floorTo(minute, HOUR)))];
      await this.recomputeFrom('minute', 'hour', hours, HOUR);
      const days = [...new Set(hours.map((hour) => floorTo(hour, DAY)))];
      await this.recomputeFrom('hour', 'day', days, DAY);
    }
    await this.keepLease();
    await this.store.retirePendingWindows(taken);
    return taken.length < sealed.length;
  }

  /** Rolls up until nothing is pending (tests and the bench). */
  async drain(): Promise<void> {
    while (await this.rollUp()) {
      // windows left: go on
    }
  }

  private async recomputeFrom(finer: 'minute' | 'hour', coarser: 'hour' | 'day', slots: number[], unit: number): Promise<void> {
    const records = [];
    for (const slot of slots) records.push(...(await this.store.buckets(finer, slot, slot + unit)));
    await this.keepLease();
    await this.store.replaceSlots(coarser, slots, mergeRecords(records, (t) => floorTo(t, unit)));
  }

  /** Drops raw partitions past the late window (+1 day) and bucket partitions past their retention. */
  async applyRetention(now = Date.now()): Promise<string[]> {
    const keepFrom = {
      raw: now - this.config.STATISTICS_LATE_WINDOW_MS - DAY,
      minute: floorTo(now, DAY) - this.config.STATISTICS_MINUTE_RETENTION_DAYS * DAY,
      hour: floorTo(now, DAY) - this.config.STATISTICS_HOUR_RETENTION_DAYS * DAY,
      day: this.config.STATISTICS_DAY_RETENTION_DAYS === 0 ? -Infinity : floorTo(now, DAY) - this.config.STATISTICS_DAY_RETENTION_DAYS * DAY,
    };
    const dropped: string[] = [];
    for (const partition of await this.store.partitions()) {
      if (partition.end <= keepFrom[partition.kind]) {
        await this.store.drop(partition.name);
        dropped.push(partition.name);
      }
    }
    if (dropped.length > 0) this.logger.log(`Retention dropped ${dropped.join(', ')}`);
    return dropped;
  }

  /**
   * Renews the lease right before each write of a pass, so a write happens only with most of a
   * lease ahead of it; a pass that lost the lease stops (the new holder redoes its windows).
   */
  private async keepLease(): Promise<void> {
    if (this.leaseHeld && !(await this.acquire(Date.now()))) throw new Error('The rollup lease passed to another instance');
  }

  /** Takes or renews the rollup lease; false while another instance holds it. */
  private async acquire(now: number): Promise<boolean> {
    const until = new Date(now + LEASE_MS);
    const renewed = await this.leases.updateOne(
      { _id: 'rollup', $or: [{ holder: this.holder }, { until: { $lt: new Date(now) } }] },
      { $set: { holder: this.holder, until } },
    );
    if (renewed.matchedCount > 0) return (this.leaseHeld = true);
    try {
      await this.leases.insertOne({ _id: 'rollup', holder: this.holder, until });
      return (this.leaseHeld = true);
    } catch {
      return (this.leaseHeld = false);
    }
  }
}
