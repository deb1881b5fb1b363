import { type BeforeApplicationShutdown, Inject, Injectable, Logger } from '@nestjs/common';
import {
  type HealthCheckResult,
  HealthCheckService,
  type HealthIndicatorFunction,
  MongooseHealthIndicator,
} from '@nestjs/terminus';
import { HEALTH_OPTIONS, type HealthModuleOptions } from './health.options';
import { RedisHealthIndicator } from './redis.health';

/**
 * What a public probe may say about a check: its status, its latency, and a stable reason word.
 * Raw error strings (connection refused to which host and port, driver messages) stay in the log.
 */
export function publicHealth(result: HealthCheckResult, log: (message: string) => void = () => undefined): HealthCheckResult {
  const clean = (section?: Partial<Record<string, Record<string, unknown> | undefined>>) => {
    if (!section) return section;
    return Object.fromEntries(
      Object.entries(section).map(([name, entry]) => {
        const { status, latencyMs, reason, message } = entry ?? {};
        if (status !== 'up' && message !== undefined) log(`${name} is ${String(status)}: ${String(message)}`);
        const word = typeof reason === 'string' ? reason : status === 'up' ? undefined : 'unavailable';
        return [name, { status, ...(typeof latencyMs === 'number' ? { latencyMs } : {}), ...(word ? { reason: word } : {}) }];
      }),
    );
  };
  return { ...result, info: clean(result.info), error: clean(result.error), details: clean(result.details) ?? {} } as HealthCheckResult;
}

/** Runs the app's readiness checks; used by the probe endpoint and by the service registry. */
@Injectable()
export class ReadinessService implements BeforeApplicationShutdown {
  private readonly logger = new Logger('Readiness');
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
    const log = (message: string) => this.logger.warn(message);
    try {
      return { ready: true, result: publicHealth(await this.health.check(checks), log) };
    } catch (error) {
      const result = (error as { getResponse?: () => unknown }).getResponse?.();
      if (!result) throw error;
      return { ready: false, result: publicHealth(result as HealthCheckResult, log) };
    }
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.stopping = true;
    const delay = this.options.shutdownDelayMs ?? 0;
    if (delay > 0) await new Promise((resolve) => setTimeout(resolve, delay));
  }
}
