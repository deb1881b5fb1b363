import { ConfigurableModuleBuilder, Inject, Injectable, Module, type OnApplicationShutdown } from '@nestjs/common';
import type Redis from 'ioredis';
import { createFailFastRedis } from './fail-fast-redis';

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
      useFactory: ({ url }: RedisClientModuleOptions) => createFailFastRedis(url, { connectionName: 'app' }),
    },
    RedisClientLifecycle,
  ],
  exports: [REDIS_CLIENT],
})
export class RedisClientModule extends ConfigurableModuleClass {}
