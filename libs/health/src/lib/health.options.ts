import { ConfigurableModuleBuilder } from '@nestjs/common';
import type { HealthIndicatorResult } from '@nestjs/terminus';
import type { RedisTarget } from '@site11/redis';

export interface HealthModuleOptions {
  /** When set, readiness pings this Redis (a URL, or an endpoint that may be a Redis Cluster). */
  redisUrl?: RedisTarget;
  /** When true, readiness pings the app's default mongoose connection. */
  mongoose?: boolean;
  /** More readiness checks, e.g. the gateway's pings of downstream services. */
  checks?: Array<() => Promise<HealthIndicatorResult>>;
  /** Timeout of each readiness check (ms). */
  checkTimeoutMs?: number;
  /**
   * On SIGTERM, readiness turns 503 at once; the app then waits this long before it stops
   * accepting connections, so load balancers take it out of rotation first (ms).
   */
  shutdownDelayMs?: number;
}

export const { ConfigurableModuleClass: ConfigurableHealthModule, MODULE_OPTIONS_TOKEN: HEALTH_OPTIONS } =
  new ConfigurableModuleBuilder<HealthModuleOptions>().setClassMethodName('forRoot').build();
