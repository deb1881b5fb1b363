import { Inject, Injectable, type OnModuleDestroy } from '@nestjs/common';
import { HealthIndicatorService } from '@nestjs/terminus';
import Redis from 'ioredis';
import { HEALTH_OPTIONS, type HealthModuleOptions } from './health.options';

/**
 * Pings Redis on a dedicated connection, so a probe never queues behind application traffic
 * and never waits on ioredis' offline queue while Redis is down.
 */
@Injectable()
export class RedisHealthIndicator implements OnModuleDestroy {
  private readonly redis?: Redis;

  constructor(
    private readonly indicator: HealthIndicatorService,
    @Inject(HEALTH_OPTIONS) private readonly options: HealthModuleOptions,
  ) {
    if (options.redisUrl) {
      this.redis = new Redis(options.redisUrl, {
        lazyConnect: true,
        enableOfflineQueue: false,
        maxRetriesPerRequest: 0,
        connectTimeout: 1000,
        retryStrategy: () => 500,
      });
      this.redis.on('error', () => undefined);
      this.redis.connect().catch(() => undefined);
    }
  }

  async isHealthy(key = 'redis') {
    const check = this.indicator.check(key);
    if (!this.redis) return check.up({ message: 'not configured' });
    try {
      const timeoutMs = this.options.checkTimeoutMs ?? 1000;
      await Promise.race([
        this.redis.ping(),
        new Promise((_, reject) => setTimeout(() => reject(new Error(`timeout after ${timeoutMs} ms`)), timeoutMs).unref()),
      ]);
      return check.up();
    } catch (error) {
      return check.down({ message: error instanceof Error ? error.message : String(error) });
    }
  }

  onModuleDestroy(): void {
    this.redis?.disconnect();
  }
}
