import { ConfigurableModuleBuilder, Module } from '@nestjs/common';
import { REDIS_CLIENT, type RedisClient } from '@site11/redis';
import { ReadCache, type ReadCacheOptions } from './read-cache';

const { ConfigurableModuleClass, MODULE_OPTIONS_TOKEN } = new ConfigurableModuleBuilder<ReadCacheOptions>()
  .setClassMethodName('forRoot')
  .setExtras({ isGlobal: true }, (definition, extras) => ({ ...definition, global: extras.isGlobal }))
  .build();

/**
 * The gateway's read cache (`ReadCache`) on the app's Redis connection (`RedisClientModule`).
 * `ReadCacheModule.forRootAsync({ inject: [Config], useFactory: (c) => ({ ttlSeconds: c.CACHE_TTL_SECONDS }) })`.
 */
@Module({
  providers: [
    {
      provide: ReadCache,
      inject: [REDIS_CLIENT, MODULE_OPTIONS_TOKEN],
      useFactory: (redis: RedisClient, options: ReadCacheOptions) => new ReadCache(redis, options),
    },
  ],
  exports: [ReadCache],
})
export class ReadCacheModule extends ConfigurableModuleClass {}
