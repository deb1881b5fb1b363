export { clusterSlotOf, sharedClusterSlot } from './lib/cluster-slot';
export { createFailFastRedis, failFastRedisOptions, type FailFastRedisOptions } from './lib/fail-fast-redis';
export { clusterOptions, createRedisClient, type RedisClient, type RedisClientOptions, singleNodeOptions } from './lib/redis-client';
export { REDIS_CLIENT, RedisClientModule, type RedisClientModuleOptions } from './lib/redis-client.module';
export {
  CLUSTER_NODES_PATTERN,
  type ClusterNode,
  endpointOf,
  isClusterTarget,
  parseClusterNodes,
  redisConnectionOptions,
  type RedisConnectionOptions,
  type RedisEndpoint,
  redisEndpointOf,
  type RedisTarget,
  transportRedisOptions,
} from './lib/redis-options';
