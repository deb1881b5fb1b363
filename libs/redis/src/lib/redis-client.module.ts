import { ConfigurableModuleBuilder, Inject, Injectable, Module, type OnApplicationShutdown } from '@nestjs/common';
import { createFailFastRedis } from './fail-fast-redis';
import type { RedisClient } from './redis-client';
import type { RedisTarget } from './redis-options';

export interface RedisClientModuleOptions {
  /** The app's Redis: a URL, or an endpoint that may be a Redis Cluster (`redisEndpointOf(config)`). */
  url: RedisTarget;
}

export const REDIS_CLIENT = Symbol('REDIS_CLIENT');

const { ConfigurableModuleClass, MODULE_OPTIONS_TOKEN } = new ConfigurableModuleBuilder<RedisClientModuleOptions>()
  .setClassMethodName('forRoot')
  .setExtras({ isGlobal: true }, (definition, extras) => ({ ...definition, global: extras.isGlobal }))
  .build();

@Injectable()
class RedisClientLifecycle implements OnApplicationShutdown {
  constructor(@Inject(REDIS_CLIENT) private readonly redis: RedisClient) {}

  onApplicationShutdown(): void {
    this.redis.disconnect();
  }
}

/**
 * A plain ioredis connection for application state kept in Redis (rate limits, denylists),
 * separate from the transport's connections. Commands fail at once while Redis is down. A
 * `Cluster` when the endpoint is a Redis Cluster: inject it as `RedisClient`.
 */
@Module({
  providers: [
    {
      provide: REDIS_CLIENT,
      inject: [MODULE_OPTIONS_TOKEN],
      useFactory: ({ url }: RedisClientModuleOptions) => createFailFastRedis(url, { connectionName: 'app' }),
    },
    RedisClientLifecycle,
  ],
  exports: [REDIS_CLIENT],
})
export class RedisClientModule extends ConfigurableModuleClass {}
