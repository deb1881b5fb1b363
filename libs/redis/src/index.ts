export { createFailFastRedis, failFastRedisOptions, type FailFastRedisOptions } from './lib/fail-fast-redis';
export { REDIS_CLIENT, RedisClientModule, type RedisClientModuleOptions } from './lib/redis-client.module';
export { redisConnectionOptions, type RedisConnectionOptions, transportRedisOptions } from './lib/redis-options';
