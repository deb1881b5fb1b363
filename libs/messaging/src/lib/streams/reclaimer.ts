import type { Logger } from '@nestjs/common';
import { CommonErrors, ErrorKind, type WireError } from '@site11/contracts';
import type { ChainableCommander } from 'ioredis';
import type { RedisClient } from '@site11/redis';
import { type Delivery, fieldsToRecord, type Source } from './read-loop';
import { redactedData } from './redaction';
import { DEFAULT_STREAMS_TUNING, slotGroupOf, StreamKeys, type StreamReply, type StreamsTuning } from './streams.keys';
import { streamsMetrics } from './streams.metrics';

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
 * How long a failed event waits, after its `deliveries`-th delivery failed, before it comes again:
 * `reclaimIdleMs` after the first, doubling with each failure, capped at `retryMaxDelayMs` (never
 * below `reclaimIdleMs`, the wait that tells a dead instance's work from running work). With the
 * defaults (2 s, 60 s): 2, 4, 8, 16 s, then 32 s and 60 s for services allowing more deliveries.
 */
export function eventRetryDelayMs(deliveries: number, tuning: Pick<StreamsTuning, 'reclaimIdleMs'> & Partial<Pick<StreamsTuning, 'retryMaxDelayMs'>>): number {
  const cap = tuning.retryMaxDelayMs ?? DEFAULT_STREAMS_TUNING.retryMaxDelayMs;
  const doubled = tuning.reclaimIdleMs * 2 ** Math.min(30, Math.max(0, deliveries - 1));
  return Math.max(tuning.reclaimIdleMs, Math.min(cap, doubled));
}

/**
 * Re-claims entries only while this consumer still owns them, so an owner that stalled never
 * takes back what another instance reclaimed meanwhile. JUSTID: a renewal is not a delivery.
 * KEYS[1] = stream; ARGV[1] = group, ARGV[2] = consumer, ARGV[3..] = ids. Returns the ids lost.
 */
const RENEW_SCRIPT = `
local lost = {}
for i = 3, #ARGV do
  local p = redis.call('XPENDING', KEYS[1], ARGV[1], ARGV[i], ARGV[i], 1)
  if p[1] and p[1][2] == ARGV[2] then
    -- XCLAIM would drop a trimmed entry from the pending list; its owner still has its fields
    if #redis.call('XRANGE', KEYS[1], ARGV[i], ARGV[i]) > 0 then
      redis.call('XCLAIM', KEYS[1], ARGV[1], ARGV[2], 0, ARGV[i], 'JUSTID')
    end
  else
    table.insert(lost, ARGV[i])
  end
end
return lost`;

/**
 * Claims idle entries, and tells apart in the same atomic step those whose message is gone from
 * the stream while still pending (trimmed: acknowledged and reported) from those another
 * instance took or finished meanwhile (skipped). KEYS[1] = stream; ARGV[1] = group,
 * ARGV[2] = consumer, ARGV[3] = min idle, ARGV[4..] = ids. Returns {{id, fields, deliveries}…},
 * {trimmed ids…}.
 */
const CLAIM_SCRIPT = `
local claimed, trimmed = {}, {}
for i = 4, #ARGV do
  local id = ARGV[i]
  local p = redis.call('XPENDING', KEYS[1], ARGV[1], 'IDLE', ARGV[3], id, id, 1)
  if p[1] then
    if #redis.call('XRANGE', KEYS[1], id, id) == 0 then
      redis.call('XACK', KEYS[1], ARGV[1], id)
      table.insert(trimmed, id)
    else
      local c = redis.call('XCLAIM', KEYS[1], ARGV[1], ARGV[2], ARGV[3], id)
      if c[1] then table.insert(claimed, {c[1][1], c[1][2], p[1][4] + 1}) end
    end
  end
end
return {claimed, trimmed}`;

/**
 * Copies a message (credentials redacted; the stream keeps about the last 10,000) to the
 * service's dead-letter stream with why it was set aside, answers its
 * caller (if it is a request) with MESSAGE_DEAD_LETTERED, and acknowledges it. Request entries
 * are deleted too: their stream has one reader group. Event streams are shared, so they stay.
 */
export async function deadLetter(
  redis: RedisClient,
  service: string,
  delivery: Delivery,
  reason: 'max-deliveries' | 'malformed' | 'trimmed' | 'rejected',
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
    ...Object.entries({ ...fields, ...(fields['data'] === undefined ? {} : { data: redactedData(fields['data']) as string }) }).flat(),
  );
  streamsMetrics.deadLettered.inc({ stream: source.key, group: service, reason });
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
 *   count; an event's wait grows with its deliveries, `eventRetryDelayMs`), following a cursor
 *   across rounds, skipping what this instance holds, are claimed with
 *   XCLAIM (min-idle again, so two reclaimers never both win) up to the free slots. An entry that
 *   was delivered `maxDeliveries` times already is dead-lettered instead; one whose stream entry
 *   was trimmed away is recorded as such.
 * - `sweepConsumers`: consumers of instances that are gone and hold nothing are deleted, with
 *   their bookkeeping.
 * - `restartWait`: a failed event's owner re-claims it as it fails, so its wait counts from the
 *   failure.
 */
export class Reclaimer {
  private readonly cursors = new Map<string, string>();

  constructor(
    private readonly redis: RedisClient,
    private readonly service: string,
    private readonly consumer: string,
    private readonly sources: Source[],
    private readonly tuning: Pick<StreamsTuning, 'reclaimIdleMs' | 'maxDeliveries' | 'livenessMs'> & Partial<Pick<StreamsTuning, 'retryMaxDelayMs'>>,
    private readonly host: ReclaimHost,
    private readonly logger: Logger,
  ) {}

  /**
   * Re-claims what this instance holds and renews the idempotency claims of those entries, one
   * pipeline per slot group (Redis Cluster runs a pipeline on one node). Returns the entries
   * another instance took over meanwhile.
   */
  async renew(
    held: Map<string, string[]>,
    records: { record: string; messageId: string }[],
    renewRecord: (pipeline: ChainableCommander, record: string, messageId: string) => void,
  ): Promise<{ key: string; id: string }[]> {
    const pipelines = new Map<string, ChainableCommander>();
    const pipelineFor = (key: string) => {
      const group = slotGroupOf(key);
      let pipeline = pipelines.get(group);
      if (!pipeline) pipelines.set(group, (pipeline = this.redis.pipeline()));
      return pipeline;
    };
    const order: string[] = [];
    for (const [key, ids] of held) {
      if (ids.length === 0) continue;
      pipelineFor(key).eval(RENEW_SCRIPT, 1, key, this.service, this.consumer, ...ids);
      order.push(key);
    }
    for (const { record, messageId } of records) renewRecord(pipelineFor(record), record, messageId);
    const lost: { key: string; id: string }[] = [];
    for (const [group, pipeline] of pipelines) {
      const results = (await pipeline.exec()) ?? [];
      const keys = order.filter((key) => slotGroupOf(key) === group);
      keys.forEach((key, i) => {
        const [error, ids] = results[i] ?? [];
        if (!error) for (const id of (ids as string[]) ?? []) lost.push({ key, id });
      });
    }
    return lost;
  }

  /**
   * Starts a failed event's wait at its failure: re-claims the entry while this instance still
   * owns it (JUSTID: no delivery counted), so the time its handler ran, or waited for the event
   * loop, does not count towards eventRetryDelayMs. Only failures pay this round trip.
   */
  async restartWait(key: string, id: string): Promise<void> {
    await this.redis.eval(RENEW_SCRIPT, 1, key, this.service, this.consumer, id);
  }

  /**
   * One pass over every stream read: the pending lists are asked for all at once (the writer
   * pipelines them into one round trip, per slot group in a cluster), then handled stream by
   * stream, so the capacity each stream's claims may use is known. A pass runs every
   * reclaimIdleMs / 4 on an idle service too: one write instead of one per stream.
   */
  async reclaim(): Promise<void> {
    if (!this.host.reading) return;
    const pending = await Promise.all(
      this.sources.map((source) =>
        this.pendingOf(source).catch((error: unknown) => {
          this.logger.debug(`reclaim on ${source.key} failed: ${(error as Error).message}`);
          return null;
        }),
      ),
    );
    for (const [i, source] of this.sources.entries()) {
      const entries = pending[i];
      if (!this.host.reading) return;
      if (!entries) continue;
      // the cursor moves on only for a batch that was looked at
      this.cursors.set(source.key, entries.length < BATCH ? '-' : `(${entries[entries.length - 1][0]}`);
      try {
        await this.reclaimFrom(source, entries);
      } catch (error) {
        this.logger.debug(`reclaim on ${source.key} failed: ${(error as Error).message}`);
      }
    }
  }

  /** The entries of a stream pending longer than reclaimIdleMs, a batch at a time from a cursor. */
  private async pendingOf(source: Source): Promise<PendingEntry[]> {
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
    return pending;
  }

  private async reclaimFrom(source: Source, pending: PendingEntry[]): Promise<void> {
    // a failed event waits longer after each failure (a request's caller has a deadline, and a
    // request is never left pending by a failure, only by a dead instance: it waits reclaimIdleMs)
    const due = ([, , idleMs, count]: PendingEntry) =>
      source.kind === 'request' || count >= this.tuning.maxDeliveries || idleMs >= eventRetryDelayMs(count, this.tuning);
    const candidates = pending.filter((entry) => !this.host.holds(source.key, entry[0]) && due(entry));
    const spent = candidates.filter(([, , , count]) => count >= this.tuning.maxDeliveries);
    const retry = candidates.filter(([, , , count]) => count < this.tuning.maxDeliveries).slice(0, Math.max(0, this.host.capacity()));
    const counts = new Map(candidates.map(([id, , , count]) => [id, count]));

    for (const [entries, toDeadLetter] of [
      [spent, true],
      [retry, false],
    ] as const) {
      if (entries.length === 0) continue;
      const [claimed, trimmed] = (await this.redis.eval(
        CLAIM_SCRIPT,
        1,
        source.key,
        this.service,
        this.consumer,
        this.tuning.reclaimIdleMs,
        ...entries.map(([id]) => id),
      )) as [[string, string[], number][], string[]];
      for (const id of trimmed) {
        await deadLetter(this.redis, this.service, { source, id, fields: {}, deliveries: counts.get(id) ?? 0 }, 'trimmed', this.logger);
      }
      const deliveries = claimed.map(([id, fields, count]) => ({ source, id, fields: fieldsToRecord(fields), deliveries: Number(count) }));
      if (toDeadLetter) {
        for (const delivery of deliveries) {
          await deadLetter(this.redis, this.service, { ...delivery, deliveries: delivery.deliveries - 1 }, 'max-deliveries', this.logger);
        }
      } else if (deliveries.length > 0) {
        streamsMetrics.reclaimed.inc({ stream: source.key, group: this.service }, deliveries.length);
        this.host.accept(deliveries);
      }
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
