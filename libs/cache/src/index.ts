export { bypassesCache, CacheKeys, type CacheMode, type CacheOutcome, type CacheRef, parseEntry, ReadCache, type ReadCacheOptions } from './lib/read-cache';
export { ReadCacheModule } from './lib/read-cache.module';
