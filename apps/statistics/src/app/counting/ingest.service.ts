import { Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { MetricsService } from '@site11/observability';
import type { Counter } from 'prom-client';
import { StatisticsConfig } from '../statistics.config';
import { CounterStore } from './counter-store';
import { type CountedEvent, outcomeOf, ownerOf, valueOf } from './metric-catalog';

/** What the transport hands over of one event. */
export interface DeliveredEvent {
  pattern: string;
  stream: string;
  messageId: string;
  data: unknown;
  metadata?: { eventId?: unknown; occurredAt?: unknown };
}

const BATCH_MAX = 1_000;
const BATCH_WAIT_MS = 10;
/** Clocks of emitters may run ahead a little; an event from further in the future is counted when it arrived. */
const FUTURE_TOLERANCE_MS = 5 * 60_000;
/** How long a batch waits for the database before its handlers fail (and are delivered again). */
const STORE_RETRY_MS = 30_000;

interface Waiting {
  event: CountedEvent;
  resolve: () => void;
  reject: (error: unknown) => void;
}

/**
 * Takes events off the streams: each becomes a raw event keyed by its id (the outbox's event id,
 * else its stream entry), stored in batches. A handler returns, and the transport acknowledges
 * the message, only once its batch is stored: a crash before that leaves it pending, to be
 * delivered again and inserted as a no-op duplicate.
 */
@Injectable()
export class IngestService implements OnModuleInit {
  private readonly logger = new Logger(IngestService.name);
  private batch: Waiting[] = [];
  private timer?: NodeJS.Timeout;
  private erased = new Set<string>();
  private readonly counted: Counter<'event'>;
  private readonly tooLate: Counter<'event'>;

  constructor(
    private readonly store: CounterStore,
    private readonly config: StatisticsConfig,
    metrics: MetricsService,
  ) {
    this.counted = metrics.counter('statistics_events_stored_total', 'Events stored by statistics (duplicates included)', ['event']);
    this.tooLate = metrics.counter('statistics_events_too_late_total', 'Events that arrived after STATISTICS_LATE_WINDOW_MS and were not counted', ['event']);
  }

  async onModuleInit(): Promise<void> {
    this.erased = await this.store.erased();
  }

  /** The event as statistics keeps it, or null when it came too late to count. */
  toCounted(delivered: DeliveredEvent, now = Date.now()): CountedEvent | null {
    const data = (delivered.data && typeof delivered.data === 'object' ? delivered.data : {}) as Record<string, unknown>;
    const eventId = delivered.metadata?.eventId;
    const id = typeof eventId === 'string' && eventId.length > 0 && eventId.length <= 100 ? eventId : `${delivered.stream}/${delivered.messageId}`;
    const appended = Number(delivered.messageId.split('-')[0]);
    const occurred = typeof delivered.metadata?.occurredAt === 'string' ? Date.parse(delivered.metadata.occurredAt) : Number.NaN;
    // from the delivered fields only, so every delivery of the event lands in the same minute:
    // an event stamped well after it was appended (a fast clock) counts when it was appended
    const at = Number.isFinite(occurred) && occurred <= appended + FUTURE_TOLERANCE_MS ? occurred : appended;
    if (at < now - this.config.STATISTICS_LATE_WINDOW_MS) {
      this.tooLate.inc({ event: delivered.pattern });
      this.logger.warn(`Not counted: ${delivered.pattern} ${id} happened ${new Date(at).toISOString()}, before the late window`);
      return null;
    }
    const owner = ownerOf(delivered.pattern, data);
    return {
      id,
      event: delivered.pattern,
      at: new Date(at),
      owner: owner && this.erased.has(owner) ? null : owner,
      outcome: outcomeOf(delivered.pattern),
      x: valueOf(delivered.pattern, data),
    };
  }

  /** Stores the event (with others that arrive meanwhile); resolves once it is stored. */
  async accept(delivered: DeliveredEvent): Promise<void> {
    this.erased = await this.store.erased();
    const event = this.toCounted(delivered);
    if (!event) return;
    await new Promise<void>((resolve, reject) => {
      this.batch.push({ event, resolve, reject });
      if (this.batch.length >= BATCH_MAX) void this.flush();
      else this.timer ??= setTimeout(() => void this.flush(), BATCH_WAIT_MS);
    });
  }

  /** Counts of a deleted account lose their owner from now on; the rollup relabels the past ones. */
  async eraseOwner(owner: string): Promise<void> {
    await this.store.markErased(owner);
    this.erased.add(owner);
  }

  private async flush(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    const batch = this.batch;
    this.batch = [];
    if (batch.length === 0) return;
    try {
      await this.storeWithRetries(batch.map((waiting) => waiting.event));
      for (const waiting of batch) {
        this.counted.inc({ event: waiting.event.event });
        waiting.resolve();
      }
    } catch (error) {
      for (const waiting of batch) waiting.reject(error);
    }
  }

  /**
   * A database that is away for a while holds the batch (the transport keeps renewing the messages
   * while their handlers wait) instead of failing it: each failed delivery counts towards the
   * dead-letter limit, and a counted event must not end there for an outage.
   */
  private async storeWithRetries(events: CountedEvent[]): Promise<void> {
    const started = Date.now();
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.store.insert(events);
      } catch (error) {
        if (Date.now() - started > STORE_RETRY_MS) throw error;
        if (attempt === 0) this.logger.warn(`Storing ${events.length} events failed, retrying: ${(error as Error).message}`);
        await new Promise((resolve) => setTimeout(resolve, Math.min(2_000, 100 * 2 ** attempt)));
      }
    }
  }
}
