import { Logger } from '@nestjs/common';
import { type CustomTransportStrategy, type MessageHandler, Server } from '@nestjs/microservices';
import { CommonErrors, ErrorKind, type WireError } from '@site11/contracts';
import Redis from 'ioredis';
import { lastValueFrom } from 'rxjs';
import { redisConnectionOptions } from '../redis-options';
import { StreamsContext } from './streams.context';
import {
  DEFAULT_STREAMS_TUNING,
  HEARTBEAT_SCRIPT,
  StreamKeys,
  type StreamReply,
  type StreamsTuning,
  serviceOf,
} from './streams.keys';

export interface RedisStreamsServerOptions extends Partial<StreamsTuning> {
  url: string;
  /** This service's name: its consumer group on every stream it reads. */
  service: string;
  /** Stable per instance (pod name); the consumer name in the group. */
  instanceId: string;
}

type StreamEntry = [id: string, fields: string[]];
interface Source {
  key: string;
  kind: 'request' | 'event';
}

const BLOCK_MS = 1000;
const HEARTBEAT_MS = 1000;

function fieldsToRecord(fields: string[]): Record<string, string> {
  const record: Record<string, string> = {};
  for (let i = 0; i + 1 < fields.length; i += 2) record[fields[i]] = fields[i + 1];
  return record;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Server side of the streams transport. Every instance of a service reads the service's request
 * stream and its event streams through one consumer group (named after the service), so each
 * message is handled by exactly one instance. A message is acknowledged only after its reply is
 * published; messages a dead instance left pending are reclaimed with XAUTOCLAIM, and after
 * `maxDeliveries` they go to the dead-letter stream and the caller gets an error.
 */
export class RedisStreamsServer extends Server implements CustomTransportStrategy {
  protected override readonly logger = new Logger(RedisStreamsServer.name);
  private readonly tuning: StreamsTuning;
  private readonly consumer: string;
  private reader!: Redis;
  private writer!: Redis;
  private sources: Source[] = [];
  private running = false;
  private inFlight = 0;
  private slotFreed: (() => void) | null = null;
  private readLoop?: Promise<void>;
  private timers: NodeJS.Timeout[] = [];

  constructor(private readonly options: RedisStreamsServerOptions) {
    super();
    this.tuning = { ...DEFAULT_STREAMS_TUNING, ...options };
    this.consumer = `${options.service}-${options.instanceId}`;
  }

  listen(callback: (error?: unknown) => void): void {
    this.start().then(
      () => callback(),
      (error: unknown) => callback(error),
    );
  }

  on(): void {
    // connection events are handled (and logged) internally
  }

  unwrap<T>(): T {
    return [this.reader, this.writer] as T;
  }

  /** Stops reading, lets in-flight messages finish and be acknowledged, then disconnects. */
  async close(): Promise<void> {
    if (!this.running) return;
    this.running = false;
    this.timers.forEach(clearInterval);
    await this.writer.zrem(StreamKeys.live(this.options.service), this.consumer).catch(() => undefined);
    const deadline = Date.now() + this.tuning.shutdownGraceMs;
    while (this.inFlight > 0 && Date.now() < deadline) await sleep(20);
    if (this.inFlight > 0) this.logger.warn(`${this.inFlight} message(s) still running at shutdown; they will be reclaimed`);
    this.reader.disconnect();
    await this.readLoop?.catch(() => undefined);
    await this.writer.quit().catch(() => undefined);
  }

  private async start(): Promise<void> {
    const connection = {
      ...redisConnectionOptions(this.options.url),
      retryStrategy: () => 500,
      maxRetriesPerRequest: null,
    };
    this.reader = new Redis({ ...connection, connectionName: `${this.consumer}:reader` });
    this.writer = new Redis({ ...connection, connectionName: `${this.consumer}:writer` });
    for (const client of [this.reader, this.writer]) client.on('error', (error) => this.logger.debug(error.message));

    const requestServices = new Set<string>();
    const events: string[] = [];
    for (const [pattern, handler] of this.messageHandlers) {
      if (handler.isEventHandler) events.push(pattern);
      else requestServices.add(serviceOf(pattern));
    }
    this.sources = [
      ...[...requestServices].map((service) => ({ key: StreamKeys.requests(service), kind: 'request' as const })),
      ...events.map((pattern) => ({ key: StreamKeys.events(pattern), kind: 'event' as const })),
    ];
    if (this.sources.length === 0) return;

    await this.ensureGroups();
    this.running = true;
    await this.heartbeat();
    this.timers.push(setInterval(() => void this.heartbeat(), HEARTBEAT_MS));
    this.timers.push(setInterval(() => void this.reclaim(), Math.max(250, this.tuning.reclaimIdleMs / 2)));
    this.readLoop = this.read();
  }

  /** Creates the consumer groups (from the start of each stream), also after Redis lost them. */
  private async ensureGroups(): Promise<void> {
    for (const { key } of this.sources) {
      try {
        await this.writer.xgroup('CREATE', key, this.options.service, '0', 'MKSTREAM');
      } catch (error) {
        if (!String((error as Error).message).includes('BUSYGROUP')) throw error;
      }
    }
  }

  private async heartbeat(): Promise<void> {
    try {
      await this.writer.eval(HEARTBEAT_SCRIPT, 1, StreamKeys.live(this.options.service), this.consumer);
    } catch {
      // Redis is away; the next beat will tell again
    }
  }

  private async read(): Promise<void> {
    const keys = this.sources.map((s) => s.key);
    while (this.running) {
      if (this.inFlight >= this.tuning.maxInFlight) {
        await new Promise<void>((resolve) => (this.slotFreed = resolve));
        continue;
      }
      let batches: [string, StreamEntry[]][] | null;
      try {
        batches = (await this.reader.xreadgroup(
          'GROUP',
          this.options.service,
          this.consumer,
          'COUNT',
          this.tuning.maxInFlight - this.inFlight,
          'BLOCK',
          BLOCK_MS,
          'STREAMS',
          ...keys,
          ...keys.map(() => '>'),
        )) as [string, StreamEntry[]][] | null;
      } catch (error) {
        if (!this.running) return;
        if (String((error as Error).message).includes('NOGROUP')) {
          this.logger.warn('Consumer groups are gone (Redis restarted?); creating them again');
          await this.ensureGroups().catch(() => undefined);
        } else {
          await sleep(250);
        }
        continue;
      }
      for (const [key, entries] of batches ?? []) {
        for (const [id, fields] of entries) this.dispatch(key, id, fieldsToRecord(fields), 1);
      }
    }
  }

  /** Takes over messages that instances which died left pending, or dead-letters them. */
  private async reclaim(): Promise<void> {
    if (!this.running) return;
    for (const { key } of this.sources) {
      try {
        const [, entries, deleted] = (await this.writer.xautoclaim(
          key,
          this.options.service,
          this.consumer,
          this.tuning.reclaimIdleMs,
          '0-0',
          'COUNT',
          50,
        )) as [string, StreamEntry[], string[]];
        if (deleted?.length) await this.writer.xack(key, this.options.service, ...deleted);
        if (!entries.length) continue;
        const ids = entries.map(([id]) => id);
        const pending = (await this.writer.xpending(
          key,
          this.options.service,
          ids[0],
          ids[ids.length - 1],
          ids.length,
          this.consumer,
        )) as [string, string, number, number][];
        const deliveries = new Map(pending.map(([id, , , count]) => [id, count]));
        for (const [id, fields] of entries) {
          const count = deliveries.get(id) ?? this.tuning.maxDeliveries + 1;
          const record = fieldsToRecord(fields);
          if (count > this.tuning.maxDeliveries) await this.deadLetter(key, id, record, count);
          else this.dispatch(key, id, record, count);
        }
      } catch (error) {
        this.logger.debug(`reclaim on ${key} failed: ${(error as Error).message}`);
      }
    }
  }

  private dispatch(key: string, id: string, fields: Record<string, string>, deliveries: number): void {
    this.inFlight++;
    const source = this.sources.find((s) => s.key === key);
    const work = source?.kind === 'event' ? this.handleEvent$(key, id, fields, deliveries) : this.handleRequest(key, id, fields, deliveries);
    work
      .catch((error: unknown) => this.logger.error(`Message ${id} on ${key} failed: ${(error as Error)?.stack ?? error}`))
      .finally(() => {
        this.inFlight--;
        this.slotFreed?.();
        this.slotFreed = null;
      });
  }

  private async handleRequest(key: string, messageId: string, fields: Record<string, string>, deliveries: number) {
    const { id, pattern, deadline } = fields;
    if (!id || !pattern || !fields['reply'] || fields['data'] === undefined) {
      this.logger.error(`Malformed request ${messageId} on ${key}; dead-lettering it`);
      return this.deadLetter(key, messageId, fields, deliveries);
    }
    const data = JSON.parse(fields['data']) as { metadata?: { idempotencyKey?: string } };
    const idempotencyKey = data?.metadata?.idempotencyKey;
    const rememberedAs = idempotencyKey ? StreamKeys.idempotency(pattern, idempotencyKey) : null;

    /** One round trip, in this order: remember the result, publish the reply, acknowledge. */
    const finish = (outcome?: Omit<StreamReply, 'id'>, remember = false) => {
      const tx = this.writer.multi();
      if (outcome && remember && rememberedAs) {
        tx.set(rememberedAs, JSON.stringify(outcome), 'EX', this.tuning.idempotencyTtlSeconds, 'NX');
      }
      if (outcome) tx.publish(fields['reply'], JSON.stringify({ ...outcome, id } satisfies StreamReply));
      return tx
        .xack(key, this.options.service, messageId)
        .xdel(key, messageId)
        .hincrby(StreamKeys.handled(this.options.service), this.consumer, 1)
        .exec();
    };

    if (Number(deadline) < Date.now()) {
      this.logger.warn(`Dropped ${pattern} ${id}: its deadline passed before it was picked up`);
      await finish();
      return;
    }
    const remembered = rememberedAs ? await this.writer.get(rememberedAs) : null;
    if (remembered) {
      await finish(JSON.parse(remembered) as Omit<StreamReply, 'id'>);
      return;
    }
    const outcome = await this.invoke(pattern, data, new StreamsContext([key, messageId, pattern, deliveries]));
    await finish(outcome, true);
  }

  private async handleEvent$(key: string, messageId: string, fields: Record<string, string>, deliveries: number) {
    const { pattern } = fields;
    const handler = pattern ? this.getHandlerByPattern(pattern) : null;
    if (!handler || fields['data'] === undefined) {
      return this.deadLetter(key, messageId, fields, deliveries);
    }
    const outcome = await this.invoke(pattern, JSON.parse(fields['data']), new StreamsContext([key, messageId, pattern, deliveries]), handler);
    // A failed event stays pending: it is retried after reclaimIdleMs, then dead-lettered.
    if ('err' in outcome) return;
    await this.writer.xack(key, this.options.service, messageId);
  }

  /** Runs the Nest handler (with its pipes, interceptors and filters) to its last value. */
  private async invoke(
    pattern: string,
    data: unknown,
    context: StreamsContext,
    handler: MessageHandler | null = this.getHandlerByPattern(pattern),
  ): Promise<Omit<StreamReply, 'id'>> {
    if (!handler) {
      const err: WireError = {
        code: CommonErrors.serviceUnavailable,
        kind: ErrorKind.Unavailable,
        message: `No handler for "${pattern}"`,
      };
      return { err };
    }
    try {
      const response = await lastValueFrom(this.transformToObservable(await handler(data, context)), {
        defaultValue: undefined,
      });
      return { response: response ?? null };
    } catch (err) {
      return { err };
    }
  }

  private async deadLetter(key: string, messageId: string, fields: Record<string, string>, deliveries: number): Promise<void> {
    const writer = this.writer;
    const service = this.options.service;
    await writer.xadd(
      StreamKeys.deadLetters(service),
      'MAXLEN',
      '~',
      10_000,
      '*',
      'stream',
      key,
      'messageId',
      messageId,
      'deliveries',
      String(deliveries),
      ...Object.entries(fields).flat(),
    );
    this.logger.error(`Dead-lettered ${fields['pattern'] ?? 'a message'} ${messageId} from ${key} after ${deliveries} deliveries`);
    if (fields['reply'] && fields['id']) {
      const err: WireError = {
        code: CommonErrors.deadLettered,
        kind: ErrorKind.Internal,
        message: 'The request could not be processed and was set aside',
      };
      await writer.publish(fields['reply'], JSON.stringify({ id: fields['id'], err } satisfies StreamReply));
    }
    // Request streams have one reader group, so the entry can go; event streams are shared.
    const isRequest = this.sources.find((s) => s.key === key)?.kind !== 'event';
    if (isRequest) await writer.multi().xack(key, service, messageId).xdel(key, messageId).exec();
    else await writer.xack(key, service, messageId);
  }
}
