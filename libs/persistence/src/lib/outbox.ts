import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { EventCatalog, EventName } from '@site11/contracts';
import { RpcClient } from '@site11/messaging';
import { type Model, Schema, type Types } from 'mongoose';
import { randomUUID } from 'node:crypto';

/** An event waiting on the document whose change it describes. */
export interface OutboxEvent {
  id: string;
  pattern: string;
  data: unknown;
  requestId: string;
  occurredAt: Date;
}

/**
 * Fields a schema adds to keep its events with its documents: `outbox` (events not yet on their
 * stream), `outboxAt` (set while it is not empty, for the sweep) and `outboxLast` (id of the last
 * event written: the outbox is cleared only if nothing was added after what was published).
 * None is ever selected.
 */
export const OUTBOX_FIELDS = {
  outbox: {
    type: [
      new Schema<OutboxEvent>(
        {
          id: { type: String, required: true },
          pattern: { type: String, required: true },
          data: { type: Schema.Types.Mixed },
          requestId: { type: String, required: true },
          occurredAt: { type: Date, required: true },
        },
        { _id: false },
      ),
    ],
    default: undefined,
    select: false,
  },
  outboxAt: { type: Date, select: false, index: { sparse: true } },
  outboxLast: { type: String, select: false },
};

/** A document's `_id`: an ObjectId, or a string key of the service's own (a signing key's `kid`). */
export type DocumentId = Types.ObjectId | string;

export interface WithOutbox {
  _id: DocumentId;
  outbox?: OutboxEvent[];
  outboxAt?: Date;
  outboxLast?: string;
  /** A tombstone: deleted for good once its events are published. */
  deletedAt?: Date;
}

/** An event of the catalog, ready to be written with its change. */
export function outboxEvent<P extends EventName>(pattern: P, data: EventCatalog[P], requestId: string): OutboxEvent {
  return { id: randomUUID(), pattern, data, requestId, occurredAt: new Date() };
}

/** The fields that record `event` with a new document, in the same insert. */
export function withOutbox(event: OutboxEvent): Pick<WithOutbox, 'outbox' | 'outboxAt' | 'outboxLast'> {
  return { outbox: [event], outboxAt: event.occurredAt, outboxLast: event.id };
}

/** The update that records `event` with a change, in the same single-document write. */
export function pushOutbox(event: OutboxEvent, set: Record<string, unknown> = {}) {
  return { $push: { outbox: event }, $set: { ...set, outboxAt: event.occurredAt, outboxLast: event.id } };
}

/**
 * The update that writes `set` and `unset` with `events` in one single-document write: the events
 * are pushed in order, and the last one is what the relay clears the outbox by.
 */
export function changeWithEvents(events: OutboxEvent[], set: Record<string, unknown> = {}, unset: readonly string[] = []): Record<string, unknown> {
  const update: Record<string, unknown> =
    events.length === 0 ? (Object.keys(set).length > 0 ? { $set: set } : {}) : pushOutbox(events[events.length - 1], set);
  if (events.length > 1) update['$push'] = { outbox: { $each: events } };
  if (unset.length > 0) update['$unset'] = Object.fromEntries(unset.map((field) => [field, '']));
  return update;
}

export const OUTBOX_OPTIONS = Symbol('OUTBOX_OPTIONS');

export interface OutboxOptions {
  /** How often the documents whose publication failed in this process are tried again, by id (ms). */
  sweepMs: number;
  /**
   * How often every document with unpublished events is looked for (ms), besides at start: what a
   * replica that crashed left behind. On MongoDB the sparse `outboxAt` index answers it; FerretDB
   * scans the collection for it, so it is kept rare.
   */
  scanMs: number;
  /** Events younger than this are left to the request that wrote them (ms). */
  sweepAfterMs: number;
  /**
   * Test fault hook: the process kills itself (SIGKILL) between writing an event of one of these
   * patterns and publishing it. Refused outside NODE_ENV=test.
   */
  killBeforePublish: string[];
}

/**
 * Publishes events written with the state change they describe (the transactional outbox,
 * without transactions: the change and its events are one single-document write). The request
 * that wrote them publishes them at once. What it could not publish (the broker away) is
 * remembered by id and tried again every `sweepMs`; what a crash left behind is found by a scan of
 * the collections at start and every `scanMs`. Each event is appended to its stream once by its id
 * (the transport remembers published ids), then removed from the document; a tombstone is
 * deleted when nothing is left.
 */
@Injectable()
export class OutboxRelay implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(OutboxRelay.name);
  private readonly models: Model<WithOutbox>[] = [];
  /** Documents whose events this process failed to publish, by model. */
  private readonly deferred = new Map<Model<WithOutbox>, Map<string, DocumentId>>();
  private readonly timers: NodeJS.Timeout[] = [];
  /** The pass under way, if any: passes never overlap. */
  private retrying?: Promise<void>;
  private scanning?: Promise<void>;

  constructor(
    private readonly rpc: RpcClient,
    @Inject(OUTBOX_OPTIONS) private readonly options: OutboxOptions,
  ) {}

  /** Includes a model in the sweep. */
  watch<T extends WithOutbox>(model: Model<T>): void {
    this.models.push(model as unknown as Model<WithOutbox>);
  }

  onApplicationBootstrap(): void {
    void this.sweep();
    // a replica that crashed just before this one started left events younger than sweepAfterMs,
    // which the first scan leaves alone: a second one looks once they are old enough
    const again = setTimeout(() => void this.sweep(), this.options.sweepAfterMs + 500);
    this.timers.push(
      again,
      setInterval(() => void this.retryDeferred(), this.options.sweepMs),
      setInterval(() => void this.sweep(), this.options.scanMs),
    );
    for (const timer of this.timers) timer.unref();
  }

  onApplicationShutdown(): void {
    for (const timer of this.timers.splice(0)) clearTimeout(timer);
  }

  /**
   * Publishes the events of one document, in order: `events` only when the caller just inserted
   * the document with them (nothing else can be pending), else what the document holds.
   */
  async publish<T extends WithOutbox>(model: Model<T>, id: DocumentId, events?: OutboxEvent[]): Promise<void> {
    const documents = model as unknown as Model<WithOutbox>;
    let pending = events;
    let tombstone = false;
    if (!pending) {
      const stored = await documents.findById(id).select('+outbox +outboxAt').lean<Pick<WithOutbox, 'outbox' | 'outboxAt' | 'deletedAt'>>().exec();
      pending = stored?.outbox ?? [];
      tombstone = stored !== null && 'deletedAt' in stored;
      // a tombstone whose events are out but whose delete failed after its clear: delete it now
      if (pending.length === 0 && tombstone && stored?.outboxAt === undefined) await this.deleteTombstone(documents, id);
    }
    if (pending.length === 0) return;
    for (const event of pending) {
      if (this.options.killBeforePublish.includes(event.pattern)) {
        this.logger.warn(`Fault hook: killing the process before publishing ${event.pattern}`);
        process.kill(process.pid, 'SIGKILL');
      }
      await this.rpc.emit(event.pattern, event.data, {
        requestId: event.requestId,
        eventId: event.id,
        occurredAt: new Date(event.occurredAt).toISOString(),
      });
    }
    // Cleared only if no event was added since the last one published here; otherwise the
    // writer of the newer one publishes them all again, and the transport drops the repeats.
    const last = pending[pending.length - 1].id;
    if (tombstone) {
      // read as a tombstone: deleted in one write, on the same condition as the clear
      await documents.deleteOne({ _id: id, deletedAt: { $exists: true }, outboxLast: last }).exec();
      return;
    }
    // One conditional write that also says whether the document is a tombstone, so a live one
    // costs no second conditional write: FerretDB answers a filter of more than `_id` by reading
    // the whole collection (docs/performance.md, "Writes on FerretDB"). Through the driver,
    // since mongoose would add the schema's hidden fields as a projection, which FerretDB's
    // findAndModify lacks. Bookkeeping, not a change of the document: its updatedAt stays.
    const _id = documents.schema.path('_id')?.cast(id) ?? id;
    const cleared = await documents.collection.findOneAndUpdate(
      { _id, outboxLast: last },
      { $unset: { outbox: '', outboxAt: '', outboxLast: '' } },
      { returnDocument: 'after' },
    );
    // null: a newer event came (its writer's relay finishes), another relay cleared it first (and
    // deletes it), or it is gone. A live document: nothing to delete.
    if (!cleared || !('deletedAt' in cleared)) return;
    await this.deleteTombstone(documents, id);
  }

  /** Deletes the document if it is a tombstone with nothing left to publish. */
  private async deleteTombstone(documents: Model<WithOutbox>, id: DocumentId): Promise<void> {
    await documents.deleteOne({ _id: id, deletedAt: { $exists: true }, outboxAt: { $exists: false } }).exec();
  }

  /**
   * Publishes right after the write; if the broker is away, the write still stands and the sweep
   * publishes later, so the caller's request does not fail for it.
   */
  async publishOrDefer<T extends WithOutbox>(model: Model<T>, id: DocumentId, events?: OutboxEvent[]): Promise<void> {
    try {
      await this.publish(model, id, events);
    } catch (error) {
      this.defer(model as unknown as Model<WithOutbox>, id);
      this.logger.warn(`Events of ${model.collection.name} ${String(id)} left for a retry: ${(error as Error).message}`);
    }
  }

  /** How many documents wait for a retry of their publication in this process. */
  get deferredCount(): number {
    let count = 0;
    for (const ids of this.deferred.values()) count += ids.size;
    return count;
  }

  /**
   * Tries again, each by its id, to publish the events of the documents whose publication failed
   * in this process. No collection is scanned: this runs every `sweepMs`.
   */
  retryDeferred(): Promise<void> {
    this.retrying ??= this.retryPass().finally(() => (this.retrying = undefined));
    return this.retrying;
  }

  /**
   * Publishes what earlier runs (or other replicas, before they crashed) left behind: every
   * document whose events have waited longer than `sweepAfterMs`.
   */
  sweep(): Promise<void> {
    this.scanning ??= this.scanPass().finally(() => (this.scanning = undefined));
    return this.scanning;
  }

  private defer(model: Model<WithOutbox>, id: DocumentId): void {
    let ids = this.deferred.get(model);
    if (!ids) this.deferred.set(model, (ids = new Map()));
    ids.set(String(id), id);
  }

  private async retryPass(): Promise<void> {
    for (const [model, ids] of this.deferred) {
      for (const [key, id] of ids) {
        try {
          await this.publish(model, id);
          ids.delete(key);
        } catch (error) {
          this.logger.warn(`Events of ${model.collection.name} ${key} still unpublished: ${(error as Error).message}`);
          break; // the broker or the database is still away: the rest waits for the next pass
        }
      }
    }
  }

  private async scanPass(): Promise<void> {
    const before = new Date(Date.now() - this.options.sweepAfterMs);
    for (const model of this.models) {
      try {
        const stranded = await model.find({ outboxAt: { $lte: before } }).select('_id').limit(100).lean<{ _id: DocumentId }[]>().exec();
        for (const { _id } of stranded) {
          await this.publish(model, _id);
          this.deferred.get(model)?.delete(String(_id));
        }
        if (stranded.length > 0) this.logger.log(`Published the events of ${stranded.length} document(s) left by an earlier run`);
      } catch (error) {
        this.logger.warn(`Outbox sweep of ${model.collection.name} failed: ${(error as Error).message}`);
      }
    }
  }
}
