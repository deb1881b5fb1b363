import { ConfigurableModuleBuilder, Inject, Injectable, Module, type OnApplicationShutdown } from '@nestjs/common';
import Redis from 'ioredis';
import { redisConnectionOptions } from './redis-options';

export interface RedisClientModuleOptions {
  url: string;
}

export const REDIS_CLIENT = Symbol('REDIS_CLIENT');

const { ConfigurableModuleClass, MODULE_OPTIONS_TOKEN } = new ConfigurableModuleBuilder<RedisClientModuleOptions>()
  .setClassMethodName('forRoot')
  .setExtras({ isGlobal: true }, (definition, extras) => ({ ...definition, global: extras.isGlobal }))
  .build();

@Injectable()
class RedisClientLifecycle implements OnApplicationShutdown {
  constructor(@Inject(REDIS_CLIENT) private readonly redis: Redis) {}

  onApplicationShutdown(): void {
    this.redis.disconnect();
  }
}

/**
 * A plain ioredis connection for application state kept in Redis (rate limits, denylists),
 * separate from the transport's connections. Commands fail at once while Redis is down.
 */
@Module({
  providers: [
    {
      provide: REDIS_CLIENT,
      inject: [MODULE_OPTIONS_TOKEN],
      useFactory: ({ url }: RedisClientModuleOptions) => {
        const redis = new Redis({
          ...redisConnectionOptions(url),
          enableOfflineQueue: false,
          maxRetriesPerRequest: 0,
          connectTimeout: 2000,
          retryStrategy: () => 500,
        });
        redis.on('error', () => undefined);
        return redis;
      },
    },
    RedisClientLifecycle,
  ],
  exports: [REDIS_CLIENT],
})
export class RedisClientModule extends ConfigurableModuleClass {}
