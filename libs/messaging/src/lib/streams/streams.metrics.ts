import type { RedisClient } from '@site11/redis';
import { Counter, Gauge, register } from 'prom-client';
import { platformClock } from '../clock';
import type { Source } from './read-loop';
import { StreamKeys } from './streams.keys';

/** A scrape waits this long for Redis at most; a stream it did not hear about is left out of that scrape. */
const STATS_TIMEOUT_MS = 2_000;

/** A consumer group this process reads with, as the scrape sees it. */
export interface ObservedGroup {
  group: string;
  sources: readonly Source[];
  redis: RedisClient;
}

interface StreamStats {
  stream: string;
  group: string;
  pending: number;
  lag?: number;
  /** Since the oldest pending entry was appended (s); 0 when nothing is pending. */
  oldestPendingAge: number;
}

interface GroupStats {
  group: string;
  deadLetters?: number;
  streams: StreamStats[];
}

const observed = new Set<ObservedGroup>();
let snapshot: Promise<GroupStats[]> | undefined;

/**
 * Reports a group's streams at every scrape until the returned function is called (the server
 * stops). Pending entries and lag are the group's, whichever instance holds them, so every
 * instance of a service reports the same numbers: dashboards take the `max` per stream.
 */
export function observeGroup(group: ObservedGroup): () => void {
  observed.add(group);
  return () => void observed.delete(group);
}

function record(reply: unknown[]): Record<string, unknown> {
  const fields: Record<string, unknown> = {};
  for (let i = 0; i + 1 < reply.length; i += 2) fields[String(reply[i])] = reply[i + 1];
  return fields;
}

/**
 * Per stream one XINFO GROUPS and one XPENDING summary, and one XLEN of the dead letters, sent
 * together (the server's writer pipelines them).
 */
async function statsOf({ group, sources, redis }: ObservedGroup): Promise<GroupStats> {
  const streams = await Promise.all(
    sources.map(async ({ key, kind }): Promise<StreamStats | undefined> => {
      const [groups, summary] = await Promise.all([
        redis.xinfo('GROUPS', key).catch(() => []) as Promise<unknown[][]>,
        redis.xpending(key, group).catch(() => []) as Promise<[number, string | null, ...unknown[]] | []>,
      ]);
      const info = groups.map(record).find((fields) => fields['name'] === group);
      if (!info) return undefined;
      // an entry id starts with the time Redis appended it, on Redis' clock
      const oldest = summary[1] ? Number(summary[1].split('-')[0]) : undefined;
      const oldestPendingAge = oldest === undefined ? 0 : Math.max(0, (platformClock.now() - oldest) / 1000);
      const pending = Number(info['pending']);
      // `lag` (Redis 7) is nil when Redis cannot tell, after an entry not yet delivered was deleted;
      // a request stream holds only what its one group has not acknowledged (answered entries are
      // deleted), so what it holds beyond the pending entries is what nobody has read yet
      let lag = info['lag'] === null || info['lag'] === undefined ? undefined : Number(info['lag']);
      if (lag === undefined && kind === 'request') lag = Math.max(0, (await redis.xlen(key)) - pending);
      return { stream: key, group, pending, lag, oldestPendingAge };
    }),
  );
  const deadLetters = await redis.xlen(StreamKeys.deadLetters(group)).catch(() => undefined);
  return { group, deadLetters, streams: streams.filter((stats): stats is StreamStats => stats !== undefined) };
}

/** Redis read once per scrape for all gauges: they are collected together. */
function stats(): Promise<GroupStats[]> {
  snapshot ??= (async () => {
    const settled = await Promise.all(
      [...observed].map((group) => {
        let timer: NodeJS.Timeout | undefined;
        const timeout = new Promise<undefined>((resolve) => (timer = setTimeout(() => resolve(undefined), STATS_TIMEOUT_MS)));
        return Promise.race([statsOf(group).catch(() => undefined), timeout]).finally(() => clearTimeout(timer));
      }),
    );
    return settled.filter((group): group is GroupStats => group !== undefined);
  })().finally(() => (snapshot = undefined));
  return snapshot;
}

/** The default registry's metric of that name, or a new one there (a second copy of this module reuses it). */
function registered<M>(name: string, create: () => M): M {
  return (register.getSingleMetric(name) as M | undefined) ?? create();
}

/**
 * The streams transport's metrics. They live on prom-client's default registry: the transport's
 * servers are built outside Nest's container, where the app's `MetricsService` cannot be injected,
 * and that service serves the default registry along with its own, with the app's `service` label
 * (libs/observability). Counters count where the thing happens; the gauges are read from Redis when
 * Prometheus scrapes, never on the path of a message.
 */
export const streamsMetrics = {
  pending: registered(
    'streams_pending_entries',
    () =>
      new Gauge<'stream' | 'group'>({
        name: 'streams_pending_entries',
        help: 'Entries delivered to the consumer group and not acknowledged yet (read at scrape time)',
        labelNames: ['stream', 'group'],
        async collect() {
          this.reset();
          for (const group of await stats()) for (const s of group.streams) this.set({ stream: s.stream, group: s.group }, s.pending);
        },
      }),
  ),
  lag: registered(
    'streams_consumer_lag',
    () =>
      new Gauge<'stream' | 'group'>({
        name: 'streams_consumer_lag',
        help: 'Entries of the stream not delivered to the consumer group yet (read at scrape time)',
        labelNames: ['stream', 'group'],
        async collect() {
          this.reset();
          for (const group of await stats()) {
            for (const s of group.streams) if (s.lag !== undefined) this.set({ stream: s.stream, group: s.group }, s.lag);
          }
        },
      }),
  ),
  oldestPendingAge: registered(
    'streams_oldest_pending_age_seconds',
    () =>
      new Gauge<'stream' | 'group'>({
        name: 'streams_oldest_pending_age_seconds',
        help: 'Age of the oldest entry delivered to the consumer group and not acknowledged, since it was appended; 0 when none (read at scrape time)',
        labelNames: ['stream', 'group'],
        async collect() {
          this.reset();
          for (const group of await stats()) for (const s of group.streams) this.set({ stream: s.stream, group: s.group }, s.oldestPendingAge);
        },
      }),
  ),
  deadLetterEntries: registered(
    'streams_dead_letter_entries',
    () =>
      new Gauge<'group'>({
        name: 'streams_dead_letter_entries',
        help: 'Entries in the service’s dead-letter stream (capped at about 10,000; read at scrape time)',
        labelNames: ['group'],
        async collect() {
          this.reset();
          for (const group of await stats()) if (group.deadLetters !== undefined) this.set({ group: group.group }, group.deadLetters);
        },
      }),
  ),
  deadLettered: registered(
    'streams_dead_lettered_total',
    () =>
      new Counter<'stream' | 'group' | 'reason'>({
        name: 'streams_dead_lettered_total',
        help: 'Messages set aside to the dead-letter stream, by the stream they came from and why',
        labelNames: ['stream', 'group', 'reason'],
      }),
  ),
  reclaimed: registered(
    'streams_reclaimed_total',
    () =>
      new Counter<'stream' | 'group'>({
        name: 'streams_reclaimed_total',
        help: 'Entries taken over from an instance that stopped renewing them (died or stalled), or delivered again after a failure',
        labelNames: ['stream', 'group'],
      }),
  ),
};
