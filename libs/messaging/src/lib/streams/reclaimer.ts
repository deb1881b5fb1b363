import type { Logger } from '@nestjs/common';
import { CommonErrors, ErrorKind, type WireError } from '@site11/contracts';
import type Redis from 'ioredis';
import { type Delivery, fieldsToRecord, type Source, type StreamEntry } from './read-loop';
import { StreamKeys, type StreamReply, type StreamsTuning } from './streams.keys';

type PendingEntry = [id: string, consumer: string, idleMs: number, deliveries: number];

/** What the reclaimer needs from the server it works for. */
export interface ReclaimHost {
  readonly reading: boolean;
  capacity(): number;
  /** This instance holds the entry (running it, or waiting for a slot). */
  holds(key: string, id: string): boolean;
  accept(deliveries: Delivery[]): void;
}

const BATCH = 100;

/**
 * Copies a message to the service's dead-letter stream with why it was set aside, answers its
 * caller (if it is a request) with MESSAGE_DEAD_LETTERED, and acknowledges it. Request entries
 * are deleted too: their stream has one reader group. Event streams are shared, so they stay.
 */
export async function deadLetter(
  redis: Redis,
  service: string,
  delivery: Delivery,
  reason: 'max-deliveries' | 'malformed' | 'trimmed',
  logger: Logger,
): Promise<void> {
  const { source, id, fields, deliveries } = delivery;
  await redis.xadd(
    StreamKeys.deadLetters(service),
    'MAXLEN',
    '~',
    10_000,
    '*',
    'stream',
    source.key,
    'messageId',
    id,
    'deliveries',
    String(deliveries),
    'reason',
    reason,
    ...Object.entries(fields).flat(),
  );
  logger.error(`Dead-lettered ${fields['pattern'] ?? 'a message'} ${id} from ${source.key} (${reason}, ${deliveries} deliveries)`);
  const tx = redis.multi();
  if (fields['reply'] && fields['id']) {
    const err: WireError = {
      code: CommonErrors.deadLettered,
      kind: ErrorKind.Internal,
      message: 'The request could not be processed and was set aside',
    };
    tx.publish(fields['reply'], JSON.stringify({ id: fields['id'], err } satisfies StreamReply));
  }
  tx.xack(source.key, service, id);
  if (source.kind === 'request') tx.xdel(source.key, id);
  await tx.exec();
}

/**
 * Keeps pending work with the instance that runs it, and takes over the work of instances that
 * died:
 *
 * - `renew`: the owner re-claims (XCLAIM … JUSTID, which does not count a delivery) every entry
 *   it holds, so its idle time never reaches `reclaimIdleMs` while it is alive, however slow the
 *   handler.
 * - `reclaim`: entries idle longer than that (XPENDING IDLE, which also gives the real delivery
 *   count), following a cursor across rounds, skipping what this instance holds, are claimed with
 *   XCLAIM (min-idle again, so two reclaimers never both win) up to the free slots. An entry that
 *   was delivered `maxDeliveries` times already is dead-lettered instead; one whose stream entry
 *   was trimmed away is recorded as such.
 * - `sweepConsumers`: consumers of instances that are gone and hold nothing are deleted, with
 *   their bookkeeping.
 */
export class Reclaimer {
  private readonly cursors = new Map<string, string>();

  constructor(
    private readonly redis: Redis,
    private readonly service: string,
    private readonly consumer: string,
    private readonly sources: Source[],
    private readonly tuning: Pick<StreamsTuning, 'reclaimIdleMs' | 'maxDeliveries' | 'livenessMs'>,
    private readonly host: ReclaimHost,
    private readonly logger: Logger,
  ) {}

  /** Re-claims what this instance holds, and renews the idempotency claims of those entries. */
  async renew(held: Map<string, string[]>, idempotencyRecords: string[], renewRecord: (tx: ReturnType<Redis['pipeline']>, key: string) => void) {
    const pipeline = this.redis.pipeline();
    for (const [key, ids] of held) {
      if (ids.length > 0) pipeline.xclaim(key, this.service, this.consumer, 0, ...ids, 'JUSTID');
    }
    for (const record of idempotencyRecords) renewRecord(pipeline, record);
    if (pipeline.length > 0) await pipeline.exec();
  }

  async reclaim(): Promise<void> {
    for (const source of this.sources) {
      if (!this.host.reading) return;
      try {
        await this.reclaimFrom(source);
      } catch (error) {
        this.logger.debug(`reclaim on ${source.key} failed: ${(error as Error).message}`);
      }
    }
  }

  private async reclaimFrom(source: Source): Promise<void> {
    const start = this.cursors.get(source.key) ?? '-';
    const pending = (await this.redis.xpending(
      source.key,
      this.service,
      'IDLE',
      this.tuning.reclaimIdleMs,
      start,
      '+',
      BATCH,
    )) as PendingEntry[];
    this.cursors.set(source.key, pending.length < BATCH ? '-' : `(${pending[pending.length - 1][0]}`);

    const candidates = pending.filter(([id]) => !this.host.holds(source.key, id));
    const spent = candidates.filter(([, , , count]) => count >= this.tuning.maxDeliveries);
    const retry = candidates.filter(([, , , count]) => count < this.tuning.maxDeliveries).slice(0, Math.max(0, this.host.capacity()));
    const counts = new Map(candidates.map(([id, , , count]) => [id, count]));

    for (const [entries, toDeadLetter] of [
      [spent, true],
      [retry, false],
    ] as const) {
      if (entries.length === 0) continue;
      const ids = entries.map(([id]) => id);
      const claimed = (await this.redis.xclaim(source.key, this.service, this.consumer, this.tuning.reclaimIdleMs, ...ids)) as StreamEntry[];
      const present = claimed.filter(([, fields]) => fields !== null);
      const got = new Set(present.map(([id]) => id));
      await this.recordTrimmed(source, ids.filter((id) => !got.has(id)));

      const deliveries = present.map(([id, fields]) => ({
        source,
        id,
        fields: fieldsToRecord(fields),
        deliveries: (counts.get(id) ?? 0) + 1,
      }));
      if (toDeadLetter) {
        for (const delivery of deliveries) {
          await deadLetter(this.redis, this.service, { ...delivery, deliveries: delivery.deliveries - 1 }, 'max-deliveries', this.logger);
        }
      } else if (deliveries.length > 0) {
        this.host.accept(deliveries);
      }
    }
  }

  /**
   * An id XCLAIM did not return was either taken by another reclaimer (its entry still exists)
   * or trimmed from the stream before anyone ran it: that one is lost work, so it is recorded.
   */
  private async recordTrimmed(source: Source, ids: string[]): Promise<void> {
    for (const id of ids) {
      const exists = await this.redis.xrange(source.key, id, id);
      if (exists.length > 0) continue;
      const delivery: Delivery = { source, id, fields: {}, deliveries: 0 };
      await deadLetter(this.redis, this.service, delivery, 'trimmed', this.logger);
    }
  }

  /** Deletes consumers that hold nothing and belong to no live instance, with their counters. */
  async sweepConsumers(idleMs: number): Promise<string[]> {
    const now = Number((await this.redis.time())[0]) * 1000;
    const live = new Set(await this.redis.zrangebyscore(StreamKeys.live(this.service), now - this.tuning.livenessMs, '+inf'));
    const removed = new Set<string>();
    for (const source of this.sources) {
      const consumers = (await this.redis.xinfo('CONSUMERS', source.key, this.service).catch(() => [])) as (string | number)[][];
      for (const raw of consumers) {
        const info = fieldsToRecord(raw.map(String));
        const name = info['name'];
        if (!name || name === this.consumer || live.has(name)) continue;
        if (Number(info['pending']) > 0 || Number(info['idle']) < idleMs) continue;
        await this.redis.xgroup('DELCONSUMER', source.key, this.service, name);
        removed.add(name);
      }
    }
    if (removed.size > 0) await this.redis.hdel(StreamKeys.handled(this.service), ...removed);
    return [...removed];
  }
}
