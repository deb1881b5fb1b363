import { Injectable } from '@nestjs/common';
import { InjectConnection } from '@nestjs/mongoose';
import type { Interval } from '@site11/contracts';
import type { Connection, mongo } from 'mongoose';
import type { CountedEvent } from './metric-catalog';
import { floorTo, MINUTE, partitionSpan, Partitions, partitionsOver, UNIT } from './time-slots';

/** What a bucket (or the live tail) says about one group in one slot: how many events, and their value. */
export interface CountRecord {
  t: number;
  e: string;
  o: string | null;
  r: string | null;
  n: number;
  x: number;
}

interface RawDocument {
  _id: string;
  e: string;
  m: number;
  o: string | null;
  r: string | null;
  x: number;
}

interface PendingDocument {
  _id: string;
  e: string;
  m: number;
}

type BucketDocument = CountRecord;
type Db = mongo.Db;
type Document = mongo.Document;
type Collection<T extends Document> = mongo.Collection<T>;

/** Pending entries go to one collection per 5 s of arrival (`pending_<ms>`), which the rollup drops once done. */
const PENDING_PREFIX = 'pending_';
export const PENDING_WINDOW_MS = 5_000;
const WATERMARK = 'pending-watermark';
const pendingName = (window: number) => `${PENDING_PREFIX}${window}`;
const windowOf = (t: number) => floorTo(t, PENDING_WINDOW_MS);
const ERASED = 'erased_owners';
const ERASED_CACHE_MS = 5_000;

interface Watermark {
  _id: string;
  through: number;
  /** Rollup passes finished. */
  generation: number;
}

interface ErasedOwner {
  _id: string;
  at: Date;
  /** Relabelling sweeps done: a second one, a while after the first, catches what instances with an older list wrote. */
  sweeps: number;
  sweptAt?: Date;
}
const SECOND_SWEEP_AFTER_MS = 30_000;

/**
 * A raw event's key: its minute and name first, its id last. The id alone makes a redelivery,
 * a reclaim or a replay a duplicate insert (a no-op); minute and name come from the event
 * itself, so they are the same every time it is delivered.
 */
export const rawKey = (event: CountedEvent) => `${event.event}|${floorTo(event.at.getTime(), MINUTE)}|${event.id}`;
/** Groups records by slot, event, owner and outcome (JSON: no owner value can collide with "no owner"). */
const groupKey = (record: Omit<CountRecord, 'n' | 'x'>) => JSON.stringify([record.t, record.e, record.o, record.r]);

function isOnlyDuplicates(error: unknown): boolean {
  const writeErrors = (error as { writeErrors?: { code?: number }[] | { code?: number } }).writeErrors;
  const list = Array.isArray(writeErrors) ? writeErrors : writeErrors ? [writeErrors] : [];
  if (list.length > 0) return list.every((entry) => entry.code === 11000);
  return (error as { code?: number }).code === 11000;
}

/** Adds the records of the same slot and group together. */
export function mergeRecords(records: Iterable<CountRecord>, slotOf: (t: number) => number = (t) => t): CountRecord[] {
  const merged = new Map<string, CountRecord>();
  for (const record of records) {
    const t = slotOf(record.t);
    const key = groupKey({ ...record, t });
    const existing = merged.get(key);
    if (existing) {
      existing.n += record.n;
      existing.x += record.x;
    } else merged.set(key, { ...record, t });
  }
  return [...merged.values()];
}

/**
 * The storage of statistics (`statistics_db`): raw events (`raw_<hour>`), the list of those not
 * yet rolled up (`pending_<window>`), and buckets per interval (`bm_<day>`, `bh_<month>`, `bd_<year>`),
 * one document per slot, event, owner and outcome holding a count `n` and a value sum `x`.
 * Nothing here increments: buckets are recomputed from what they summarise, so running a rollup
 * twice, or over a replayed stream, gives the same numbers.
 */
@Injectable()
export class CounterStore {
  private erasedCache?: { at: number; owners: Set<string> };

  constructor(@InjectConnection() private readonly connection: Connection) {}

  private get db(): Db {
    return this.connection.db as unknown as Db;
  }

  private collection<T extends Document>(name: string): Collection<T> {
    return this.db.collection<T>(name);
  }

  /**
   * Keeps each event once: the raw insert of a delivered-again event is a duplicate, and so is its
   * pending entry unless the first delivery died between the two inserts, when it is added now.
   * A pending entry for a minute already rolled up only makes the rollup recompute it: harmless.
   * Pending entries go to the window of their arrival; if the rollup sealed that window while the
   * insert ran (it may have read it already), they go again to the current one.
   */
  async insert(events: CountedEvent[]): Promise<void> {
    const byPartition = new Map<string, RawDocument[]>();
    for (const event of events) {
      const name = Partitions.raw(event.at.getTime());
      const documents = byPartition.get(name) ?? [];
      documents.push({ _id: rawKey(event), e: event.event, m: floorTo(event.at.getTime(), MINUTE), o: event.owner, r: event.outcome, x: event.x });
      byPartition.set(name, documents);
    }
    for (const [name, documents] of byPartition) await this.insertIgnoringDuplicates(this.collection<RawDocument>(name), documents);
    const pending = [...byPartition.values()].flat().map(({ _id, e, m }) => ({ _id, e, m }));
    // past the watermark even if this instance's clock is behind the one that sealed it
    let window = windowOf(Date.now());
    for (;;) {
      await this.insertIgnoringDuplicates(this.collection<PendingDocument>(pendingName(window)), pending);
      const sealed = await this.sealedThrough();
      if (sealed < window) return;
      window = Math.max(windowOf(Date.now()), sealed + PENDING_WINDOW_MS);
    }
  }

  /** The last pending window the rollup has taken (it reads and drops windows up to it). */
  private async sealedThrough(): Promise<number> {
    const mark = await this.collection<{ _id: string; through: number }>('leases').findOne({ _id: WATERMARK });
    return mark?.through ?? -1;
  }

  /**
   * Seals the windows before the current one (no insert goes there from now on without being
   * repeated in a later window) and returns those that exist, oldest first.
   */
  async sealPendingWindows(now = Date.now()): Promise<number[]> {
    const through = windowOf(now) - PENDING_WINDOW_MS;
    const leases = this.collection<Watermark>('leases');
    const { matchedCount } = await leases.updateOne({ _id: WATERMARK, through: { $lt: through } }, { $set: { through } });
    if (matchedCount === 0) await leases.insertOne({ _id: WATERMARK, through, generation: 0 }).catch(() => undefined);
    return (await this.pendingWindows()).filter((window) => window <= through);
  }

  /**
   * Ends a pass: the generation moves on first, then the windows go. A query that saw the same
   * generation before and after it read knows no pass finished meanwhile (AnalyticsService.exactRecords).
   */
  async retirePendingWindows(windows: number[]): Promise<void> {
    await this.collection<Watermark>('leases').updateOne({ _id: WATERMARK }, { $inc: { generation: 1 } });
    for (const window of windows) await this.drop(pendingName(window));
  }

  /** How many passes have finished. */
  async generation(): Promise<number> {
    return (await this.collection<Watermark>('leases').findOne({ _id: WATERMARK }))?.generation ?? 0;
  }

  async pendingWindows(): Promise<number[]> {
    const names = await this.db.listCollections({ name: { $regex: `^${PENDING_PREFIX}` } }, { nameOnly: true }).toArray();
    return names.map(({ name }) => Number(name.slice(PENDING_PREFIX.length))).filter(Number.isFinite).sort((a, b) => a - b);
  }

  async pendingIn(window: number): Promise<PendingDocument[]> {
    return this.collection<PendingDocument>(pendingName(window)).find({}).toArray();
  }

  private async insertIgnoringDuplicates<T extends Document>(collection: Collection<T>, documents: T[]): Promise<void> {
    if (documents.length === 0) return;
    try {
      await collection.insertMany(documents as never, { ordered: false });
    } catch (error) {
      if (!isOnlyDuplicates(error)) throw error;
    }
  }

  /** Events stored and not rolled up yet. */
  async pendingCount(): Promise<number> {
    let count = 0;
    for (const window of await this.pendingWindows()) count += await this.collection(pendingName(window)).countDocuments({});
    return count;
  }

  /** The minutes in [from, to) with events of `events` not rolled up yet (the live tail). */
  async dirtyMinutes(events: string[], from: number, to: number): Promise<Map<number, Set<string>>> {
    const minutes = new Map<number, Set<string>>();
    for (const window of await this.pendingWindows()) {
      const found = await this.collection<PendingDocument>(pendingName(window))
        .find({ e: { $in: events }, m: { $gte: floorTo(from, MINUTE), $lt: to } }, { projection: { e: 1, m: 1 } })
        .toArray();
      for (const { e, m } of found) minutes.set(m, (minutes.get(m) ?? new Set()).add(e));
    }
    return minutes;
  }

  /** The groups of raw events in these minutes, counted from the raw events themselves (deleted accounts' without owner). */
  async rawRecords(minutes: number[], events?: string[]): Promise<CountRecord[]> {
    const erased = await this.erased();
    const byPartition = new Map<string, number[]>();
    for (const minute of minutes) byPartition.set(Partitions.raw(minute), [...(byPartition.get(Partitions.raw(minute)) ?? []), minute]);
    const groups = new Map<string, CountRecord>();
    for (const [name, inPartition] of byPartition) {
      // grouped here, as the documents stream in: FerretDB's $group slows down with the number of
      // groups (each new account's users.created is a group of its own), a Map does not
      const cursor = this.collection<RawDocument>(name).find(
        { m: { $in: inPartition }, ...(events ? { e: { $in: events } } : {}) },
        { projection: { _id: 0, m: 1, e: 1, o: 1, r: 1, x: 1 }, batchSize: 5_000 },
      );
      for await (const raw of cursor) {
        const record = { t: raw.m, e: raw.e, o: raw.o && !erased.has(raw.o) ? raw.o : null, r: raw.r ?? null, n: 1, x: raw.x ?? 0 };
        const key = groupKey(record);
        const group = groups.get(key);
        if (group) {
          group.n += 1;
          group.x += record.x;
        } else groups.set(key, record);
      }
    }
    return [...groups.values()];
  }

  /** Bucket records of `interval` with t in [from, to), of these events (all when absent), of one owner if given. */
  async buckets(interval: Interval, from: number, to: number, events?: string[], owner?: string): Promise<CountRecord[]> {
    if (from >= to) return [];
    const filter: Document = { t: { $gte: from, $lt: to } };
    if (events) filter['e'] = { $in: events };
    if (owner) filter['o'] = owner;
    const records: CountRecord[] = [];
    for (const name of partitionsOver(interval, from, to)) {
      const found = await this.collection<BucketDocument>(name).find(filter, { projection: { _id: 0, t: 1, e: 1, o: 1, r: 1, n: 1, x: 1 } }).toArray();
      records.push(...(found as CountRecord[]));
    }
    return records;
  }

  /**
   * Makes the buckets of `interval` for these slots say exactly `records` (all events): the slots'
   * documents are deleted and written again, in two statements per partition (FerretDB finds a
   * document by scanning, so per-document upserts cost a scan each). Readers never see the gap:
   * a slot being rewritten still has pending events, so queries compute it from finer data
   * (AnalyticsService.exactRecords), and a pass that dies in between is redone from the pending windows.
   */
  async replaceSlots(interval: Interval, slots: number[], records: CountRecord[]): Promise<void> {
    const byPartition = new Map<string, { slots: number[]; records: CountRecord[] }>();
    const partitionOf = Partitions[interval];
    for (const slot of slots) {
      const entry = byPartition.get(partitionOf(slot)) ?? { slots: [], records: [] };
      entry.slots.push(slot);
      byPartition.set(partitionOf(slot), entry);
    }
    for (const record of records) byPartition.get(partitionOf(record.t))?.records.push(record);
    for (const [name, entry] of byPartition) {
      const collection = this.collection<BucketDocument>(name);
      await collection.deleteMany({ t: { $in: entry.slots } });
      // ids made by the driver: a bucket's id says nothing about whose it is (see eraseOwner)
      const documents = entry.records.map((record) => ({ t: record.t, e: record.e, o: record.o, r: record.r, n: record.n, x: record.x }));
      for (let i = 0; i < documents.length; i += 5_000) await collection.insertMany(documents.slice(i, i + 5_000), { ordered: false });
    }
  }

  /** Every partition of statistics, with what it holds. */
  async partitions(): Promise<{ name: string; kind: 'raw' | Interval; start: number; end: number }[]> {
    const names = await this.db.listCollections({}, { nameOnly: true }).toArray();
    return names.flatMap(({ name }) => {
      const span = partitionSpan(name);
      return span ? [{ name, ...span }] : [];
    });
  }

  async drop(name: string): Promise<void> {
    await this.db.dropCollection(name).catch(() => undefined);
  }

  /** The first day bucket's time: how far back an all-time total has to read. */
  async earliestDayPartition(): Promise<number | null> {
    const days = (await this.partitions()).filter((partition) => partition.kind === 'day');
    return days.length > 0 ? Math.min(...days.map((day) => day.start)) : null;
  }

  /**
   * A deleted user's events stay counted without their owner: every raw event and bucket naming
   * them is relabelled. No `_id` holds an owner, so nothing of theirs is left.
   */
  async eraseOwner(owner: string): Promise<number> {
    let changed = 0;
    for (const partition of await this.partitions()) {
      const { modifiedCount } = await this.collection(partition.name).updateMany({ o: owner }, { $set: { o: null } });
      changed += modifiedCount;
    }
    return changed;
  }

  /**
   * Remembers a deleted account: from now on its events are counted without an owner, and the
   * rollup relabels what was counted with it (`applyErasures`, under its lease, so no recompute
   * running at the same time can write the owner back).
   */
  async markErased(owner: string): Promise<void> {
    await this.collection<ErasedOwner>(ERASED).updateOne({ _id: owner }, { $setOnInsert: { at: new Date(), sweeps: 0 } }, { upsert: true });
    this.erasedCache?.owners.add(owner);
  }

  /** Deleted accounts (cached for a few seconds; this instance's own marks at once). */
  async erased(): Promise<Set<string>> {
    if (this.erasedCache && Date.now() - this.erasedCache.at < ERASED_CACHE_MS) return this.erasedCache.owners;
    const owners = new Set((await this.collection<ErasedOwner>(ERASED).find({}, { projection: { _id: 1 } }).toArray()).map(({ _id }) => _id));
    this.erasedCache = { at: Date.now(), owners };
    return owners;
  }

  /**
   * Relabels the counts of accounts deleted since the last pass (and reloads the list): once at
   * once, and again once every instance has surely reloaded its list. `between` runs between
   * owners (the rollup renews its lease there). Returns the owners swept.
   */
  async applyErasures(between: () => Promise<void> = async () => undefined): Promise<string[]> {
    this.erasedCache = undefined;
    await this.erased();
    const erased = this.collection<ErasedOwner>(ERASED);
    const due = await erased.find({ sweeps: { $lt: 2 } }).toArray();
    const swept: string[] = [];
    for (const owner of due) {
      if (owner.sweeps === 1 && Date.now() - (owner.sweptAt?.getTime() ?? 0) < SECOND_SWEEP_AFTER_MS) continue;
      await between();
      await this.eraseOwner(owner._id);
      await erased.updateOne({ _id: owner._id }, { $set: { sweeps: owner.sweeps + 1, sweptAt: new Date() } });
      swept.push(owner._id);
    }
    return swept;
  }

  /** Time the slot of `interval` ends. */
  static endOf(interval: Interval, slot: number): number {
    return slot + UNIT[interval];
  }
}
