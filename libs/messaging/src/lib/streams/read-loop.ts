import type { Logger } from '@nestjs/common';
import type { RedisClient } from '@site11/redis';

export type StreamEntry = [id: string, fields: string[] | null];

/** A stream a server reads through its consumer group. */
export interface Source {
  key: string;
  kind: 'request' | 'event';
}

/** One message in this instance's hands. */
export interface Delivery {
  source: Source;
  id: string;
  fields: Record<string, string>;
  /** 1 on first delivery; more when reclaimed from an instance that died. */
  deliveries: number;
}

/** What a read loop needs from the server it feeds. */
export interface DeliverySink {
  readonly reading: boolean;
  /** Slots free for new work, after what is already waiting for one. */
  capacity(): number;
  /** Resolves when a slot frees up or the server stops reading. */
  untilCapacity(): Promise<void>;
  accept(deliveries: Delivery[]): void;
  /** The consumer groups are gone (Redis lost its data): create them again. */
  recreateGroups(sources: Source[]): Promise<void>;
}

export function fieldsToRecord(fields: string[] | null): Record<string, string> {
  const record: Record<string, string> = {};
  for (let i = 0; fields && i + 1 < fields.length; i += 2) record[fields[i]] = fields[i + 1];
  return record;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * One blocking XREADGROUP loop over the streams of one hash-slot group (a service's own request
 * stream, or the event streams one other service emits), on its own connection: in Redis
 * Cluster one command may only touch keys of one slot. It asks for no more entries than there
 * are free slots; what a multi-stream read returns beyond that waits in the server's queue, still
 * owned (and renewed) by this instance, so the handler limit holds across loops and reclaim.
 * Entries read after the server decided to stop are still handed over, never dropped.
 */
export class ReadLoop {
  static readonly BLOCK_MS = 1000;

  constructor(
    private readonly redis: RedisClient,
    private readonly group: string,
    private readonly consumer: string,
    private readonly sources: Source[],
    private readonly sink: DeliverySink,
    private readonly logger: Logger,
  ) {}

  async run(): Promise<void> {
    const keys = this.sources.map((s) => s.key);
    const byKey = new Map(this.sources.map((s) => [s.key, s]));
    while (this.sink.reading) {
      const free = this.sink.capacity();
      if (free <= 0) {
        await this.sink.untilCapacity();
        continue;
      }
      let batches: [string, StreamEntry[]][] | null;
      try {
        batches = (await this.redis.xreadgroup(
          'GROUP',
          this.group,
          this.consumer,
          'COUNT',
          free,
          'BLOCK',
          ReadLoop.BLOCK_MS,
          'STREAMS',
          ...keys,
          ...keys.map(() => '>'),
        )) as [string, StreamEntry[]][] | null;
      } catch (error) {
        if (!this.sink.reading) return;
        if (String((error as Error).message).includes('NOGROUP')) {
          this.logger.warn(`Consumer groups on ${keys.join(', ')} are gone (Redis restarted?); creating them again`);
          await this.sink.recreateGroups(this.sources).catch(() => undefined);
        } else {
          await sleep(250);
        }
        continue;
      }
      const deliveries: Delivery[] = [];
      for (const [key, entries] of batches ?? []) {
        const source = byKey.get(key) as Source;
        for (const [id, fields] of entries) deliveries.push({ source, id, fields: fieldsToRecord(fields), deliveries: 1 });
      }
      if (deliveries.length > 0) this.sink.accept(deliveries);
    }
  }
}
