import { createFailFastRedis } from '@site11/redis';
import type Redis from 'ioredis';

export const REGISTRY_REDIS = Symbol('REGISTRY_REDIS');

export function createRegistryRedis(url: string): Redis {
  return createFailFastRedis(url, { connectionName: 'registry' });
}
