import type { BaseConfig } from '@site11/config';
import { redisEndpointOf, type RedisTarget } from '@site11/redis';
import type { StreamsTuning } from './streams/streams.keys';
import { ConfigurableModuleBuilder } from '@nestjs/common';

export interface MessagingModuleOptions {
  /** The broker: a `redis://` URL, or an endpoint that may be a Redis Cluster (`redisEndpointOf`). */
  redisUrl: RedisTarget;
  /** Name of this app, stamped into every request's metadata as `caller`. */
  caller: string;
  /** Deadline applied when a call does not give its own (ms). */
  defaultDeadlineMs: number;
  /** `streams` (default) or Nest's built-in `redis` pub/sub. */
  transport?: 'streams' | 'redis';
  /** Names this instance's reply channel (streams). */
  instanceId?: string;
  /** Streams tuning. */
  streams?: Partial<StreamsTuning>;
  /** Per-service circuit breaker: consecutive outages to open it, and time until it probes. */
  breaker?: { failures: number; halfOpenAfterMs: number };
}

export const {
  ConfigurableModuleClass: ConfigurableMessagingModule,
  MODULE_OPTIONS_TOKEN: MESSAGING_OPTIONS,
} = new ConfigurableModuleBuilder<MessagingModuleOptions>()
  .setClassMethodName('forRoot')
  .setExtras({ isGlobal: true }, (definition, extras) => ({ ...definition, global: extras.isGlobal }))
  .build();

/** The messaging options every app derives the same way from its validated config. */
export function messagingOptionsFrom(config: BaseConfig, caller: string): MessagingModuleOptions {
  return {
    redisUrl: redisEndpointOf(config),
    caller,
    defaultDeadlineMs: config.RPC_DEADLINE_MS,
    transport: config.TRANSPORT,
    instanceId: `${caller}-${config.INSTANCE_ID}`,
    breaker: { failures: config.BREAKER_FAILURES, halfOpenAfterMs: config.BREAKER_HALF_OPEN_AFTER_MS },
    streams: { eventRetentionMs: config.EVENT_RETENTION_MS, eventMaxLen: config.EVENT_STREAM_MAX_LEN },
  };
}
