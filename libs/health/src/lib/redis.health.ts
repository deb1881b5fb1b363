import { Inject, Injectable, type OnModuleDestroy } from '@nestjs/common';
import { HealthIndicatorService } from '@nestjs/terminus';
import { createFailFastRedis, type RedisClient } from '@site11/redis';
import { HEALTH_OPTIONS, type HealthModuleOptions } from './health.options';

/**
 * Pings Redis on a dedicated connection, so a probe never queues behind application traffic
 * and never waits on ioredis' offline queue while Redis is down.
 */
@Injectable()
export class RedisHealthIndicator implements OnModuleDestroy {
  private readonly redis?: RedisClient;

  constructor(
    private readonly indicator: HealthIndicatorService,
    @Inject(HEALTH_OPTIONS) private readonly options: HealthModuleOptions,
  ) {
    if (options.redisUrl) {
      this.redis = createFailFastRedis(options.redisUrl, { connectionName: 'health', connectTimeoutMs: 1000 });
    }
  }

  async isHealthy(key = 'redis') {
    const check = this.indicator.check(key);
    if (!this.redis) return check.up({ message: 'not configured' });
    const timeoutMs = this.options.checkTimeoutMs ?? 1000;
    const timedOut = Symbol('timeout');
    try {
      const answer = await Promise.race([
        this.redis.ping(),
        new Promise((resolve) => setTimeout(() => resolve(timedOut), timeoutMs).unref()),
      ]);
      return answer === timedOut ? check.down({ reason: 'timeout' }) : check.up();
    } catch (error) {
      return check.down({ reason: 'unreachable', message: error instanceof Error ? error.message : String(error) });
    }
  }

  onModuleDestroy(): void {
    this.redis?.disconnect();
  }
}
