import { type BeforeApplicationShutdown, Inject, Injectable } from '@nestjs/common';
import {
  type HealthCheckResult,
  HealthCheckService,
  type HealthIndicatorFunction,
  MongooseHealthIndicator,
} from '@nestjs/terminus';
import { HEALTH_OPTIONS, type HealthModuleOptions } from './health.options';
import { RedisHealthIndicator } from './redis.health';

/** Runs the app's readiness checks; used by the probe endpoint and by the service registry. */
@Injectable()
export class ReadinessService implements BeforeApplicationShutdown {
  private stopping = false;

  constructor(
    private readonly health: HealthCheckService,
    private readonly redis: RedisHealthIndicator,
    private readonly mongoose: MongooseHealthIndicator,
    @Inject(HEALTH_OPTIONS) private readonly options: HealthModuleOptions,
  ) {}

  get shuttingDown(): boolean {
    return this.stopping;
  }

  /** Terminus result, and whether it means "ready". */
  async check(): Promise<{ ready: boolean; result: HealthCheckResult }> {
    const timeout = this.options.checkTimeoutMs ?? 1000;
    const checks: HealthIndicatorFunction[] = [];
    if (this.options.redisUrl) checks.push(() => this.redis.isHealthy('redis'));
    if (this.options.mongoose) checks.push(() => this.mongoose.pingCheck('mongodb', { timeout }));
    checks.push(...(this.options.checks ?? []));
    return this.run(checks);
  }

  async run(checks: HealthIndicatorFunction[]): Promise<{ ready: boolean; result: HealthCheckResult }> {
    try {
      return { ready: true, result: await this.health.check(checks) };
    } catch (error) {
      const result = (error as { getResponse?: () => unknown }).getResponse?.();
      if (!result) throw error;
      return { ready: false, result: result as HealthCheckResult };
    }
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.stopping = true;
    const delay = this.options.shutdownDelayMs ?? 0;
    if (delay > 0) await new Promise((resolve) => setTimeout(resolve, delay));
  }
}
