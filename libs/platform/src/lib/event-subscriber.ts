import { type MessageHandler, ServerRedis } from '@nestjs/microservices';
import type { BaseConfig } from '@site11/config';
import { RedisStreamsServer } from '@site11/messaging';
import { redisEndpointOf, transportRedisOptions } from '@site11/redis';

/** An event's handler: gets the envelope's `data`; a throw leaves the event to be delivered again. */
export type EventHandlerFn = (data: unknown) => Promise<void>;

/** A running subscription; `close` lets in-flight handlers finish (streams) and disconnects. */
export interface EventSubscription {
  close(): Promise<void>;
}

/**
 * Subscribes an app that serves no messages (the gateway) to events, on the configured transport:
 * its own consumer group (named `name`) on each emitter's event stream, so one instance handles
 * each event, with the transport's redelivery and dead letters. Handlers are plain functions,
 * not Nest message handlers, so none of the app's HTTP guards or pipes apply to them.
 */
export async function subscribeToEvents(config: BaseConfig, name: string, handlers: Record<string, EventHandlerFn>): Promise<EventSubscription> {
  const server =
    config.TRANSPORT === 'redis'
      ? new ServerRedis(transportRedisOptions(redisEndpointOf(config), 'server'))
      : new RedisStreamsServer({
          url: redisEndpointOf(config),
          service: name,
          instanceId: config.INSTANCE_ID,
          reclaimIdleMs: config.STREAMS_RECLAIM_IDLE_MS,
          maxDeliveries: config.STREAMS_MAX_DELIVERIES,
          retryMaxDelayMs: config.STREAMS_RETRY_MAX_DELAY_MS,
          shutdownGraceMs: config.SHUTDOWN_GRACE_MS,
        });
  for (const [pattern, handle] of Object.entries(handlers)) {
    const handler = (async (envelope: { data?: unknown } | undefined) => handle(envelope?.data)) as unknown as MessageHandler;
    handler.isEventHandler = true;
    server.addHandler(pattern, handler, true);
  }
  await new Promise<void>((resolve, reject) => server.listen((error?: unknown) => (error ? reject(error) : resolve())));
  return { close: async () => void (await server.close()) };
}
