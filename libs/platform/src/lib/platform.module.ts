import { type DynamicModule, Module, type Type } from '@nestjs/common';
import type { HealthIndicatorResult } from '@nestjs/terminus';
import type { BaseConfig } from '@site11/config';
import { DomainError, pingPattern } from '@site11/contracts';
import { HealthModule } from '@site11/health';
import { type MetricsListenerOptions, ObservabilityModule } from '@site11/observability';
import { RegistryModule } from '@site11/registry';
import { randomUUID } from 'node:crypto';
import { MessagingModule, messagingOptionsFrom, RpcClient } from '@site11/messaging';
import { RedisClientModule, redisEndpointOf } from '@site11/redis';
import { PingModule } from './ping.module';

export interface PlatformAppOptions<C extends BaseConfig> {
  /** App name: logs, metrics, registry, consumer group, `<name>.ping`. */
  name: string;
  /** The app's validated config class. */
  config: Type<C>;
  /** Port of the app's health endpoints (and of its metrics, unless `metricsListener`), from its config. */
  healthPort: (config: C) => number;
  /**
   * Serve /metrics on a listener of its own, on this port and host, rather than on the app's
   * HTTP port: for an app whose HTTP port is public (the gateway). Services leave it out.
   */
  metricsListener?: (config: C) => MetricsListenerOptions;
  /** Readiness pings the app's MongoDB. */
  mongoose?: boolean;
  /** Readiness pings these services over the transport (the gateway). */
  downstream?: (config: C) => string[];
  /** The app serves message patterns, so it answers `<name>.ping`. */
  servesMessages?: boolean;
}

const PING_TIMEOUT_MS = 1000;

/** A readiness check that a service answers its ping over the transport. */
export function pingCheck(rpc: RpcClient, service: string): () => Promise<HealthIndicatorResult> {
  return async () => {
    const started = Date.now();
    try {
      await rpc.send(pingPattern(service), {}, { requestId: `health-${randomUUID()}`, deadlineMs: PING_TIMEOUT_MS, probe: true });
      return { [service]: { status: 'up', latencyMs: Date.now() - started } };
    } catch (error) {
      const reason = error instanceof DomainError ? error.code : 'unavailable';
      return { [service]: { status: 'down', reason } };
    }
  };
}

/**
 * What every app of the platform wires the same way, in one import: the transport client,
 * health probes, structured logs and metrics, the service registry, and (for services) the
 * ping handler.
 */
@Module({})
export class PlatformModule {
  static forApp<C extends BaseConfig>(options: PlatformAppOptions<C>): DynamicModule {
    const inject = [options.config];
    return {
      module: PlatformModule,
      imports: [
        MessagingModule.forRootAsync({
          isGlobal: true,
          inject,
          useFactory: (config: C) => messagingOptionsFrom(config, options.name),
        }),
        // the app's own Redis connection (denylist, rate limits, published keys), apart from the transport's
        RedisClientModule.forRootAsync({ isGlobal: true, inject, useFactory: (config: C) => ({ url: redisEndpointOf(config) }) }),
        ObservabilityModule.forRootAsync(
          {
            inject,
            useFactory: (config: C) => ({
              service: options.name,
              instanceId: config.INSTANCE_ID,
              level: config.LOG_LEVEL,
              metricsListener: options.metricsListener?.(config),
            }),
          },
          { rpcMetrics: options.servesMessages ?? false, metricsListener: options.metricsListener !== undefined },
        ),
        HealthModule.forRootAsync({
          inject: [options.config, RpcClient],
          useFactory: (config: C, rpc: RpcClient) => ({
            redisUrl: redisEndpointOf(config),
            mongoose: options.mongoose ?? false,
            checks: (options.downstream?.(config) ?? []).map((service) => pingCheck(rpc, service)),
            shutdownDelayMs: config.SHUTDOWN_DELAY_MS,
          }),
        }),
        RegistryModule.forRootAsync({
          inject,
          useFactory: (config: C) => ({
            redisUrl: redisEndpointOf(config),
            ttlMs: config.REGISTRY_TTL_MS,
            heartbeatMs: Math.max(250, Math.floor(config.REGISTRY_TTL_MS / 4)),
            announce: {
              service: options.name,
              instanceId: config.INSTANCE_ID,
              version: config.APP_VERSION,
              healthPort: options.healthPort(config),
            },
          }),
        }),
        ...(options.servesMessages ? [PingModule.forService(options.name)] : []),
      ],
    };
  }
}
