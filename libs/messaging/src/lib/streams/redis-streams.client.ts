import { Logger } from '@nestjs/common';
import { ClientProxy, type ReadPacket, type WritePacket } from '@nestjs/microservices';
import { randomUUID } from 'node:crypto';
import { NoResponderError } from '../client/no-responder.error';
import { platformClock } from '../clock';
import { createRedisClient, type RedisClient, type RedisTarget } from '@site11/redis';
import {
  DEFAULT_STREAMS_TUNING,
  PUBLISH_ONCE_SCRIPT,
  PUBLISH_SCRIPT,
  SEND_IF_LIVE_SCRIPT,
  StreamKeys,
  type StreamReply,
  type StreamsTuning,
  serviceOf,
} from './streams.keys';

export interface RedisStreamsClientOptions extends Partial<StreamsTuning> {
  /** The broker: a URL, or an endpoint that may be a Redis Cluster. */
  url: RedisTarget;
  /** The calling app: its reply channels start with it, which its Redis user may subscribe to. */
  caller: string;
  /** Names this client's reply channel, so replies reach only this instance. */
  instanceId: string;
}

type ScriptedRedis = RedisClient & {
  sendIfLive(...args: (string | number)[]): Promise<string | null>;
  publishOnce(...args: (string | number)[]): Promise<string | null>;
  publishEvent(...args: (string | number)[]): Promise<string>;
};

/** How long a published outbox event is remembered, so a relay retry does not publish it twice (s). */
const PUBLISHED_TTL_SECONDS = 3600;
const CLOCK_SYNC_MS = 30_000;

/**
 * Client side of the streams transport: `send` appends the request to the owning service's
 * stream and waits for the reply on this instance's own channel; `emit` appends to the event's
 * stream. A service with no live instance fails at once (NoResponderError) instead of leaving
 * the request in a stream nobody reads until the deadline.
 */
export class RedisStreamsClient extends ClientProxy {
  private readonly logger = new Logger(RedisStreamsClient.name);
  private readonly tuning: StreamsTuning;
  private readonly replyChannel: string;
  private pub!: RedisClient;
  private sub!: RedisClient;
  private connecting?: Promise<void>;
  private clockTimer?: NodeJS.Timeout;

  constructor(private readonly options: RedisStreamsClientOptions) {
    super();
    this.tuning = { ...DEFAULT_STREAMS_TUNING, ...options };
    this.replyChannel = StreamKeys.reply(options.caller, `${options.instanceId}:${randomUUID()}`);
  }

  connect(): Promise<void> {
    this.connecting ??= this.open().catch((error: unknown) => {
      this.connecting = undefined;
      this.pub.disconnect();
      this.sub.disconnect();
      throw error;
    });
    return this.connecting;
  }

  async close(): Promise<void> {
    if (!this.connecting) return;
    const [pub, sub] = [this.pub, this.sub];
    this.connecting = undefined;
    clearInterval(this.clockTimer);
    for (const [, callback] of this.routingMap) callback({ err: new Error('Client closed'), isDisposed: true });
    this.routingMap.clear();
    await Promise.all([pub.quit().catch(() => undefined), sub.quit().catch(() => undefined)]);
  }

  override on(): void {
    // connection events are handled internally
  }

  override unwrap<T>(): T {
    return [this.pub, this.sub] as T;
  }

  private async open(): Promise<void> {
    // requests fail at once while Redis is down; replies are subscribed through reconnects
    this.pub = createRedisClient(this.options.url, { lazyConnect: true, connectTimeoutMs: 2000, failFast: true, autoPipelining: true });
    // EVALSHA after the first call: the script is not resent with every request
    this.pub.defineCommand('sendIfLive', { numberOfKeys: 2, lua: SEND_IF_LIVE_SCRIPT });
    this.pub.defineCommand('publishOnce', { numberOfKeys: 2, lua: PUBLISH_ONCE_SCRIPT });
    // not `publish`: that name is Redis' own command on the same client
    this.pub.defineCommand('publishEvent', { numberOfKeys: 1, lua: PUBLISH_SCRIPT });
    // in a Redis Cluster, PUBLISH reaches subscribers on every node: the reply channel needs no slot
    this.sub = createRedisClient(this.options.url, { lazyConnect: true, connectTimeoutMs: 2000 });
    for (const client of [this.pub, this.sub]) client.on('error', (error) => this.logger.debug(error.message));
    this.sub.on('message', (_channel: string, message: string) => this.onReply(message));
    await Promise.all([this.pub.connect(), this.sub.connect()]);
    await this.sub.subscribe(this.replyChannel);
    await platformClock.sync(this.pub);
    this.clockTimer = setInterval(() => void platformClock.sync(this.pub).catch(() => undefined), CLOCK_SYNC_MS);
    this.clockTimer.unref();
  }

  private onReply(message: string): void {
    let reply: StreamReply;
    try {
      reply = JSON.parse(message) as StreamReply;
    } catch {
      return;
    }
    const callback = this.routingMap.get(reply.id);
    if (!callback) return;
    this.routingMap.delete(reply.id);
    if (reply.err !== undefined) callback({ err: reply.err, isDisposed: true });
    else callback({ response: reply.response ?? undefined, isDisposed: true });
  }

  protected publish(partialPacket: ReadPacket, callback: (packet: WritePacket) => void): () => void {
    const packet = this.assignPacketId(partialPacket);
    const pattern = this.normalizePattern(partialPacket.pattern);
    const service = serviceOf(pattern);
    const data = packet.data as { metadata?: { deadline?: number } } | undefined;
    const deadline = data?.metadata?.deadline ?? platformClock.now() + 60_000;
    this.routingMap.set(packet.id, callback);

    void (async () => {
      const entryId = await (this.pub as ScriptedRedis).sendIfLive(
        StreamKeys.live(service),
        StreamKeys.requests(service),
        this.tuning.livenessMs,
        this.tuning.requestMaxLen,
        'id',
        packet.id,
        'pattern',
        pattern,
        'reply',
        this.replyChannel,
        'deadline',
        String(deadline),
        'data',
        JSON.stringify(packet.data),
      );
      if (!entryId) throw new NoResponderError(pattern);
    })().catch((err: unknown) => {
      if (this.routingMap.delete(packet.id)) callback({ err, isDisposed: true });
    });

    return () => this.routingMap.delete(packet.id);
  }

  /**
   * Appends the event to its stream, which keeps `eventRetentionMs` of events. An event with an id
   * (from an outbox) is appended at most once within an hour, so a relay that publishes again
   * after a crash adds no duplicate.
   */
  protected async dispatchEvent<T = unknown>(packet: ReadPacket): Promise<T> {
    const pattern = this.normalizePattern(packet.pattern);
    const fields = ['pattern', pattern, 'data', JSON.stringify(packet.data)];
    const eventId = (packet.data as { metadata?: { eventId?: unknown } } | undefined)?.metadata?.eventId;
    if (typeof eventId === 'string') {
      return (await (this.pub as ScriptedRedis).publishOnce(
        StreamKeys.published(pattern, eventId),
        StreamKeys.events(pattern),
        PUBLISHED_TTL_SECONDS,
        this.tuning.eventRetentionMs,
        this.tuning.eventMaxLen,
        ...fields,
      )) as T;
    }
    return (await (this.pub as ScriptedRedis).publishEvent(StreamKeys.events(pattern), this.tuning.eventRetentionMs, this.tuning.eventMaxLen, ...fields)) as T;
  }
}
