import { Logger } from '@nestjs/common';
import { type CustomTransportStrategy, type MessageHandler, Server } from '@nestjs/microservices';
import {
  CommonErrors,
  DomainError,
  ErrorKind,
  IdempotencyErrors,
  type RpcEnvelope,
  type WireError,
} from '@site11/contracts';
import { lastValueFrom } from 'rxjs';
import { platformClock } from '../clock';
import type { CallerIdentityResolver } from '@site11/contracts';
import { createRedisClient, type RedisClient, type RedisTarget } from '@site11/redis';
import { type CommandIdentity, commandIdentity, IdempotencyStore, type Outcome } from './idempotency.store';
import { type Delivery, type DeliverySink, ReadLoop, type Source } from './read-loop';
import { deadLetter, Reclaimer } from './reclaimer';
import { StreamsContext } from './streams.context';
import { observeGroup } from './streams.metrics';
import {
  DEFAULT_STREAMS_TUNING,
  FINISH_SCRIPT,
  HEARTBEAT_SCRIPT,
  serviceOf,
  slotGroupOf,
  StreamKeys,
  type StreamReply,
  type StreamsTuning,
} from './streams.keys';

export interface RedisStreamsServerOptions extends Partial<StreamsTuning> {
  /** The broker: a URL, or an endpoint that may be a Redis Cluster. */
  url: RedisTarget;
  /** This service's name: its consumer group on every stream it reads. */
  service: string;
  /** Stable per instance (pod name); the consumer name in the group. */
  instanceId: string;
  /**
   * Verifies a request's credential before its idempotency key is claimed, so the key is scoped
   * to the proved actor and app, never to what the envelope claims (see CALLER_IDENTITY).
   */
  identify?: CallerIdentityResolver;
  /**
   * Error codes with which an event handler says another delivery cannot help (a mail server
   * that refused a message for good): such an event is dead-lettered at once (`reason: rejected`)
   * instead of retried up to `maxDeliveries`.
   */
  permanentEventErrors?: readonly string[];
}

const HEARTBEAT_MS = 1000;
/** A consumer of a gone instance is deleted once it has held nothing for this long. */
const CONSUMER_SWEEP_MS = 30_000;

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

interface Running {
  delivery: Delivery;
  /** The idempotency record this delivery claimed, renewed while it runs. */
  record?: string;
}

/**
 * Server side of the streams transport. Every instance of a service reads the service's request
 * stream and its event streams through one consumer group (named after the service), so each
 * message is handled by one instance at a time. A request is acknowledged in the same
 * transaction that publishes its reply and records its idempotency outcome. Work an instance
 * holds is renewed while it runs and reclaimed when it dies (`Reclaimer`); commands go through
 * the `IdempotencyStore`; at most `maxInFlight` handlers run at once across every stream.
 */
export class RedisStreamsServer extends Server implements CustomTransportStrategy, DeliverySink {
  protected override readonly logger = new Logger(RedisStreamsServer.name);
  private readonly tuning: StreamsTuning;
  private readonly consumer: string;
  private writer!: RedisClient;
  private readers: RedisClient[] = [];
  private sources: Source[] = [];
  private store!: IdempotencyStore;
  private reclaimer!: Reclaimer;
  private started = false;
  private stopping = false;
  private readonly running = new Map<string, Running>();
  private readonly waiting: Delivery[] = [];
  private capacityWaiters: (() => void)[] = [];
  private loops: Promise<void>[] = [];
  private timers: NodeJS.Timeout[] = [];
  /** Stops reporting this server's streams to the scrape (streams.metrics.ts). */
  private unobserve: () => void = () => undefined;
  /** Most handlers seen running at once (tests, metrics). */
  peakInFlight = 0;
  /** Requests answered since the last heartbeat, which adds them to `StreamKeys.handled`. */
  private handledSinceBeat = 0;
  /**
   * Deliveries whose acknowledgement is on its way: a renewal that finds one no longer pending
   * raced with that acknowledgement (they may share one socket write), it was not taken over.
   */
  private readonly finishing = new Set<string>();
  private readonly permanentEventErrors: ReadonlySet<string>;

  constructor(private readonly options: RedisStreamsServerOptions) {
    super();
    this.tuning = { ...DEFAULT_STREAMS_TUNING, ...options };
    this.permanentEventErrors = new Set(options.permanentEventErrors ?? []);
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
    return [this.writer, ...this.readers] as T;
  }

  /**
   * Patterns on this transport are plain strings, so the handler is read straight from the map;
   * Nest's own lookup first tries `JSON.parse` on the pattern, which throws (and builds a stack
   * trace) for every message.
   */
  override getHandlerByPattern(pattern: string): MessageHandler | null {
    return this.messageHandlers.get(pattern) ?? null;
  }

  get reading(): boolean {
    return this.started && !this.stopping;
  }

  get inFlight(): number {
    return this.running.size;
  }

  capacity(): number {
    return this.tuning.maxInFlight - this.running.size - this.waiting.length;
  }

  untilCapacity(): Promise<void> {
    if (!this.reading || this.capacity() > 0) return Promise.resolve();
    return new Promise((resolve) => this.capacityWaiters.push(resolve));
  }

  holds(key: string, id: string): boolean {
    return this.running.has(`${key} ${id}`) || this.waiting.some((d) => d.source.key === key && d.id === id);
  }

  accept(deliveries: Delivery[]): void {
    this.waiting.push(...deliveries);
    this.pump();
  }

  async recreateGroups(sources: Source[]): Promise<void> {
    await this.ensureGroups(sources, '0');
  }

  /**
   * Stops reading, lets in-flight messages finish and be acknowledged within
   * `shutdownGraceMs`, and returns by then even if handlers are stuck (their entries are no
   * longer renewed, so a live instance reclaims them). Messages a read returned after the
   * decision to stop are run like the rest; those still waiting for a slot at the end go back to
   * the stream (requests) or stay pending for reclaim (events).
   */
  async close(): Promise<void> {
    if (!this.started || this.stopping) return;
    this.stopping = true;
    this.unobserve();
    const deadline = Date.now() + this.tuning.shutdownGraceMs;
    // Every step is bounded by the grace period, Redis being away included.
    const inTime = <T>(work: Promise<T>) => Promise.race([work.catch(() => undefined), sleep(Math.max(0, deadline - Date.now()))]);
    // the last part of the grace period is kept for handing back what never got a slot
    const drainUntil = deadline - Math.min(1000, Math.floor(this.tuning.shutdownGraceMs / 4));
    this.wakeCapacityWaiters();
    await inTime(this.writer.zrem(StreamKeys.live(this.options.service), this.consumer));
    await inTime(Promise.all(this.loops));
    while ((this.running.size > 0 || this.waiting.length > 0) && Date.now() < drainUntil) await sleep(20);
    this.timers.forEach(clearInterval);
    for (const reader of this.readers) reader.disconnect();
    if (this.waiting.length > 0) await inTime(this.requeue(this.waiting.splice(0)));
    if (this.running.size > 0) {
      this.logger.warn(`${this.running.size} message(s) still running at shutdown; a live instance will reclaim them`);
    } else {
      await inTime(this.leaveGroups());
    }
    if (Date.now() < deadline) await inTime(this.writer.quit());
    this.writer.disconnect();
  }

  private async start(): Promise<void> {
    // commands of concurrent answers (and renewals) leave in one socket write
    this.writer = createRedisClient(this.options.url, { connectionName: `${this.consumer}:writer`, autoPipelining: true });
    this.writer.defineCommand('finishRequest', { numberOfKeys: 1, lua: FINISH_SCRIPT });
    this.writer.on('error', (error) => this.logger.debug(error.message));

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

    this.store = new IdempotencyStore(this.writer, this.options.service, this.tuning);
    this.reclaimer = new Reclaimer(this.writer, this.options.service, this.consumer, this.sources, this.tuning, this, this.logger);
    await this.ensureGroups(this.sources, 'initial');
    this.started = true;
    this.unobserve = observeGroup({ group: this.options.service, sources: this.sources, redis: this.writer });
    await this.heartbeat();

    const every = (ms: number, task: () => Promise<unknown>) => this.timers.push(setInterval(() => void task().catch(() => undefined), ms));
    every(HEARTBEAT_MS, () => this.heartbeat());
    every(Math.max(50, Math.floor(this.tuning.reclaimIdleMs / 3)), () => this.renew());
    every(Math.max(100, Math.floor(this.tuning.reclaimIdleMs / 4)), () => this.reclaimer.reclaim());
    every(CONSUMER_SWEEP_MS, () => this.reclaimer.sweepConsumers(CONSUMER_SWEEP_MS));

    const groups = new Map<string, Source[]>();
    for (const source of this.sources) groups.set(slotGroupOf(source.key), [...(groups.get(slotGroupOf(source.key)) ?? []), source]);
    for (const [group, sources] of groups) {
      // a connection of its own (a cluster client of its own, in a Redis Cluster): its blocking
      // XREADGROUP holds the connection, and touches the keys of one slot group only
      const reader = createRedisClient(this.options.url, { connectionName: `${this.consumer}:reader:${group}` });
      reader.on('error', (error) => this.logger.debug(error.message));
      this.readers.push(reader);
      const loop = new ReadLoop(reader, this.options.service, this.consumer, sources, this, this.logger);
      this.loops.push(loop.run().catch((error: unknown) => this.logger.error(`Read loop on ${group} stopped: ${String(error)}`)));
    }
  }

  /**
   * Creates the consumer groups. A service's own request stream is read from its start (every
   * request not yet answered); a subscription to an event stream starts at new events unless
   * `eventsFrom` is `oldest` (a backfill). Groups recreated after Redis lost them start at 0.
   */
  private async ensureGroups(sources: Source[], from: 'initial' | '0'): Promise<void> {
    for (const { key, kind } of sources) {
      const start = from === '0' || kind === 'request' || this.tuning.eventsFrom === 'oldest' ? '0' : '$';
      try {
        await this.writer.xgroup('CREATE', key, this.options.service, start, 'MKSTREAM');
      } catch (error) {
        if (!String((error as Error).message).includes('BUSYGROUP')) throw error;
      }
    }
  }

  private async heartbeat(): Promise<void> {
    // a stopping instance has left the live set and must not rejoin it
    if (this.stopping) return;
    try {
      const sentAt = Date.now();
      const handled = this.handledSinceBeat;
      this.handledSinceBeat = 0;
      try {
        const now = (await this.writer.eval(HEARTBEAT_SCRIPT, 2, StreamKeys.live(this.options.service), StreamKeys.handled(this.options.service), this.consumer, handled)) as number;
        platformClock.observe(Number(now), sentAt, Date.now());
      } catch (error) {
        this.handledSinceBeat += handled;
        throw error;
      }
    } catch {
      // Redis is away; the next beat will tell again
    }
  }

  private async renew(): Promise<void> {
    if (!this.started) return;
    const held = new Map<string, string[]>();
    const records: { record: string; messageId: string }[] = [];
    for (const delivery of [...[...this.running.values()].map((r) => r.delivery), ...this.waiting]) {
      held.set(delivery.source.key, [...(held.get(delivery.source.key) ?? []), delivery.id]);
    }
    for (const { record, delivery } of this.running.values()) if (record) records.push({ record, messageId: delivery.id });
    const lost = await this.reclaimer.renew(held, records, (pipeline, record, messageId) => this.store.renew(pipeline, record, messageId));
    for (const { key, id } of lost) {
      if (!this.holds(key, id) || this.finishing.has(`${key} ${id}`)) continue; // finished in the meantime
      this.logger.warn(`Message ${id} on ${key} was reclaimed by another instance while this one held it (stalled?)`);
      const index = this.waiting.findIndex((d) => d.source.key === key && d.id === id);
      if (index >= 0) this.waiting.splice(index, 1);
    }
  }

  /** Starts waiting deliveries while slots are free. */
  private pump(): void {
    while (this.waiting.length > 0 && this.running.size < this.tuning.maxInFlight) {
      const delivery = this.waiting.shift() as Delivery;
      const slot = `${delivery.source.key} ${delivery.id}`;
      if (this.running.has(slot)) continue;
      const running: Running = { delivery };
      this.running.set(slot, running);
      this.peakInFlight = Math.max(this.peakInFlight, this.running.size);
      const work = delivery.source.kind === 'event' ? this.handleEventDelivery(delivery) : this.handleRequest(delivery, running);
      work
        .catch((error: unknown) =>
          this.logger.error(`Message ${delivery.id} on ${delivery.source.key} failed: ${(error as Error)?.stack ?? error}`),
        )
        .finally(() => {
          this.running.delete(slot);
          this.finishing.delete(slot);
          this.pump();
        });
    }
    if (this.capacity() > 0) this.wakeCapacityWaiters();
  }

  private wakeCapacityWaiters(): void {
    const waiters = this.capacityWaiters;
    this.capacityWaiters = [];
    waiters.forEach((wake) => wake());
  }

  private async handleRequest(delivery: Delivery, running: Running): Promise<void> {
    const { source, id: messageId, fields } = delivery;
    const { id, pattern, deadline } = fields;
    let envelope: RpcEnvelope | undefined;
    try {
      envelope = JSON.parse(fields['data'] ?? '') as RpcEnvelope;
    } catch {
      envelope = undefined;
    }
    if (!id || !pattern || !fields['reply'] || !Number.isFinite(Number(deadline)) || typeof envelope !== 'object' || envelope === null) {
      return deadLetter(this.writer, this.options.service, delivery, 'malformed', this.logger);
    }
    if (Number(deadline) < platformClock.now()) {
      this.logger.warn(`Dropped ${pattern} ${id}: its deadline passed before it was picked up`);
      return this.finish(delivery);
    }
    // A request names a request handler of the stream it came from, never an event handler
    // (which trusts its stream, not a credential) nor a pattern of another service.
    const handler = this.getHandlerByPattern(pattern);
    if (!handler || handler.isEventHandler || StreamKeys.requests(serviceOf(pattern)) !== source.key) {
      return this.finish(delivery, failure(CommonErrors.serviceUnavailable, ErrorKind.Unavailable, `No handler for "${pattern}"`));
    }

    const identity = commandIdentity(envelope.metadata);
    if (identity && this.options.identify) {
      try {
        const proved = await this.options.identify(envelope.metadata);
        delete identity.actor;
        if (proved.actor) identity.actor = proved.actor;
        if (proved.service) identity.caller = proved.service;
      } catch (error) {
        const err = error instanceof DomainError ? error.toWire() : failure(CommonErrors.serviceUnavailable, ErrorKind.Unavailable, 'Credentials cannot be verified right now').err;
        return this.finish(delivery, { err });
      }
    }
    if (!identity) {
      const outcome = await this.invoke(pattern, envelope, new StreamsContext([source.key, messageId, pattern, delivery.deliveries]));
      return this.finish(delivery, outcome);
    }

    const record = this.store.keyFor(identity);
    const fingerprint = await this.store.fingerprint(identity, pattern, envelope.data);
    const claim = await this.store.claim(record, fingerprint, messageId, Number(deadline) - platformClock.now());
    switch (claim.state) {
      case 'mismatch':
        return this.finish(delivery, failure(IdempotencyErrors.keyReused, ErrorKind.FailedPrecondition, 'This Idempotency-Key was used for a different request'));
      case 'running':
        return this.finish(delivery, failure(IdempotencyErrors.inProgress, ErrorKind.Aborted, 'A request with this Idempotency-Key is still running; retry later'));
      case 'done':
        return this.finish(
          delivery,
          claim.outcome ??
            failure(IdempotencyErrors.resultUnavailable, ErrorKind.Aborted, 'This request completed, but its result is too large to replay'),
        );
    }
    running.record = record;
    const outcome = await this.invoke(pattern, envelope, new StreamsContext([source.key, messageId, pattern, delivery.deliveries]));
    running.record = undefined; // no renewal may land after the outcome is recorded
    return this.finish(delivery, outcome, { record, origin: identity.origin, fingerprint });
  }

  /** One round trip, atomically: record the outcome, publish the reply, acknowledge and delete the entry. */
  private async finish(
    { source, id: messageId, fields }: Delivery,
    outcome?: Outcome,
    idempotency?: { record: string; origin: CommandIdentity['origin']; fingerprint: string },
  ): Promise<void> {
    this.finishing.add(`${source.key} ${messageId}`);
    if (!idempotency) {
      // the common case (reads): one scripted command instead of a MULTI of five
      const reply = outcome ? JSON.stringify({ ...outcome, id: fields['id'] } satisfies StreamReply) : '';
      await (this.writer as RedisClient & { finishRequest(...args: string[]): Promise<number> }).finishRequest(
        source.key,
        this.options.service,
        messageId,
        outcome ? fields['reply'] : '',
        reply,
      );
      this.handledSinceBeat++;
      return;
    }
    const tx = this.writer.multi();
    if (outcome && idempotency) this.store.complete(tx, idempotency.record, idempotency.origin, idempotency.fingerprint, outcome);
    if (outcome) tx.publish(fields['reply'], JSON.stringify({ ...outcome, id: fields['id'] } satisfies StreamReply));
    await tx.xack(source.key, this.options.service, messageId).xdel(source.key, messageId).exec();
    this.handledSinceBeat++;
  }

  private async handleEventDelivery(delivery: Delivery): Promise<void> {
    const { source, id: messageId, fields } = delivery;
    const pattern = fields['pattern'];
    // an entry runs only the event handler of the stream it was read from: only that stream's
    // emitter may append to it, which is what lets event handlers go without a credential
    const handler = pattern && StreamKeys.events(pattern) === source.key ? this.getHandlerByPattern(pattern) : null;
    let data: unknown;
    try {
      data = JSON.parse(fields['data'] ?? '');
    } catch {
      data = undefined;
    }
    if (!handler?.isEventHandler || data === undefined) return deadLetter(this.writer, this.options.service, delivery, 'malformed', this.logger);
    const outcome = await this.invoke(pattern, data, new StreamsContext([source.key, messageId, pattern, delivery.deliveries]), handler);
    // A failed event stays pending: it is delivered again after a wait, counted from the
    // failure, that grows with its deliveries (eventRetryDelayMs), and dead-lettered after
    // maxDeliveries; one that failed with a permanent error (permanentEventErrors) is
    // dead-lettered at once.
    if ('err' in outcome) {
      const code = (outcome.err as { code?: unknown } | null)?.code;
      if (typeof code === 'string' && this.permanentEventErrors.has(code)) {
        this.finishing.add(`${source.key} ${messageId}`);
        await deadLetter(this.writer, this.options.service, delivery, 'rejected', this.logger);
      } else {
        // queued while Redis is away (the wait then counts from its return); if the command
        // fails, the wait counts from the delivery or the owner's last renewal
        await this.reclaimer.restartWait(source.key, messageId).catch((error: unknown) => this.logger.debug(`restarting the wait of ${messageId} failed: ${(error as Error).message}`));
      }
      return;
    }
    this.finishing.add(`${source.key} ${messageId}`);
    await this.writer.xack(source.key, this.options.service, messageId);
  }

  /** Runs the Nest handler (with its pipes, interceptors and filters) to its last value. */
  private async invoke(
    pattern: string,
    data: unknown,
    context: StreamsContext,
    handler: MessageHandler | null = this.getHandlerByPattern(pattern),
  ): Promise<Outcome> {
    if (!handler) return failure(CommonErrors.serviceUnavailable, ErrorKind.Unavailable, `No handler for "${pattern}"`);
    try {
      const response = await lastValueFrom(this.transformToObservable(await handler(data, context)), {
        defaultValue: undefined,
      });
      return { response: response ?? null };
    } catch (err) {
      return { err: err instanceof DomainError ? err.toWire() : err };
    }
  }

  /**
   * Puts requests that never got a slot back on the stream for another instance, in one round trip
   * per slot group (a Redis Cluster runs a transaction on the keys of one slot).
   */
  private async requeue(deliveries: Delivery[]): Promise<void> {
    const transactions = new Map<string, ReturnType<RedisClient['multi']>>();
    for (const { source, id, fields } of deliveries.filter((d) => d.source.kind === 'request')) {
      const group = slotGroupOf(source.key);
      const tx = transactions.get(group) ?? this.writer.multi();
      transactions.set(group, tx);
      tx.xadd(source.key, '*', ...Object.entries(fields).flat()).xack(source.key, this.options.service, id).xdel(source.key, id);
    }
    await Promise.all([...transactions.values()].map((tx) => tx.exec()));
  }

  /** Deletes this instance's consumers (when they hold nothing) and its counter. */
  private async leaveGroups(): Promise<void> {
    for (const { key } of this.sources) {
      const mine = (await this.writer.xpending(key, this.options.service, '-', '+', 1, this.consumer)) as unknown[];
      if (mine.length === 0) await this.writer.xgroup('DELCONSUMER', key, this.options.service, this.consumer);
    }
    await this.writer.hdel(StreamKeys.handled(this.options.service), this.consumer);
  }
}

function failure(code: string, kind: ErrorKind, message: string): Outcome {
  return { err: { code, kind, message } satisfies WireError };
}
