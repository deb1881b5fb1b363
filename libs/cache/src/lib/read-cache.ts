import type { RedisClient } from '@site11/redis';

/** One cached thing: a resource of a service and its id, e.g. `{ resource: 'users', id }`. */
export interface CacheRef {
  resource: string;
  id: string;
}

/** How one read uses the cache. */
export interface CacheMode {
  /** The client asked for a fresh answer (`Cache-Control: no-cache` or `no-store`): no lookup, no store. */
  bypass: boolean;
  /** Told how the read was served, e.g. to set an `x-cache` response header. */
  report?: (outcome: CacheOutcome) => void;
}

export type CacheOutcome = 'hit' | 'miss' | 'bypass';

export interface ReadCacheOptions {
  /** Safety net: an entry no invalidation reached is dropped after this long (s). 0 turns the cache off. */
  ttlSeconds: number;
  /** How long one loader holds a key's load lock (ms); others wait for its value meanwhile. */
  lockMs?: number;
  /** How long a reader that lost the lock waits for the winner's value before loading itself (ms). */
  waitMs?: number;
  /** Told of every read's outcome and every failure to reach Redis (metrics, logs). */
  observe?: (event: { resource: string; outcome: CacheOutcome | 'error'; error?: unknown }) => void;
}

/**
 * Keys of one cached resource share one hash tag, so the scripts that touch its version and its
 * views stay in one Redis Cluster slot.
 */
export const CacheKeys = {
  version: ({ resource, id }: CacheRef) => `cache:{${resource}:${id}}:ver`,
  view: ({ resource, id }: CacheRef, view: string) => `cache:{${resource}:${id}}:view:${view}`,
  lock: ({ resource, id }: CacheRef, view: string) => `cache:{${resource}:${id}}:lock:${view}`,
} as const;

/**
 * One round trip: the resource's current version and the view's cached entry
 * (`<version>|<json>`). KEYS[1] = version, KEYS[2] = view.
 */
const LOOKUP_SCRIPT = `return { redis.call('GET', KEYS[1]) or '0', redis.call('GET', KEYS[2]) or false }`;

/**
 * Stores a loaded value only if the resource's version is still the one read before the load
 * began: a load that overlapped a write (whose invalidation bumped the version) never puts the
 * older value back. Releases the load lock if this loader holds it. KEYS[1] = version,
 * KEYS[2] = view, KEYS[3] = lock; ARGV[1] = version read before the load, ARGV[2] = JSON,
 * ARGV[3] = TTL (ms), ARGV[4] = lock token. Returns 1 when stored.
 */
const STORE_SCRIPT = `
local stored = 0
if (redis.call('GET', KEYS[1]) or '0') == ARGV[1] then
  redis.call('SET', KEYS[2], ARGV[1] .. '|' .. ARGV[2], 'PX', ARGV[3])
  -- the version must outlive every entry stored under it, or a reset to 0 could revive one
  if redis.call('PTTL', KEYS[1]) < tonumber(ARGV[3]) * 2 and redis.call('EXISTS', KEYS[1]) == 1 then
    redis.call('PEXPIRE', KEYS[1], tonumber(ARGV[3]) * 2)
  end
  stored = 1
end
if redis.call('GET', KEYS[3]) == ARGV[4] then redis.call('DEL', KEYS[3]) end
return stored`;

/**
 * Invalidates every view of a resource at once: bumps its version (kept for twice the TTL, so
 * it outlives any entry stored under the previous one). A missing version starts from Redis' time
 * in µs, so a version that expired or was lost with Redis never repeats one a slow load read
 * before. KEYS[1] = version; ARGV[1] = TTL (ms).
 */
const INVALIDATE_SCRIPT = `
local version
if redis.call('EXISTS', KEYS[1]) == 1 then
  version = redis.call('INCR', KEYS[1])
else
  -- a new (or expired, or lost) version starts from Redis' clock, never from a number it had before
  local t = redis.call('TIME')
  version = t[1] .. string.format('%06d', tonumber(t[2]))
  redis.call('SET', KEYS[1], version)
end
redis.call('PEXPIRE', KEYS[1], tonumber(ARGV[1]) * 2)
return version`;

type ScriptedRedis = RedisClient & {
  cacheLookup(version: string, view: string): Promise<[string, string | null]>;
  cacheStore(version: string, view: string, lock: string, seen: string, json: string, ttlMs: number, token: string): Promise<number>;
  cacheInvalidate(version: string, ttlMs: number): Promise<number>;
  cacheRelease(lock: string, token: string): Promise<number>;
};

/** Deletes a load lock if this loader still holds it. KEYS[1] = lock; ARGV[1] = token. */
const RELEASE_SCRIPT = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0`;

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * A read-through cache in Redis for reads owned by one service, shared by every gateway replica.
 *
 * - **Versioned.** Each resource has a version; an entry is served only if it was stored under
 *   the current one. `invalidate` bumps the version: every view of the resource is stale at
 *   once, for every reader, in one command. A load stores its value only if the version did not
 *   move while it loaded (`STORE_SCRIPT`), so a slow load never puts an older value back over a
 *   newer write.
 * - **One loader per key.** Concurrent misses in one process share one load; across processes a
 *   short lock lets one load while the others wait briefly for its value.
 * - **Views.** A key names the representation a caller may see (`view`), decided by the caller
 *   after its authorization check, so one user's view is never served to another.
 * - **Never in the way.** A bypass (`Cache-Control: no-cache`) skips it; when Redis cannot
 *   answer, reads load directly, as if there were no cache.
 */
export class ReadCache {
  private readonly flights = new Map<string, Promise<unknown>>();
  private readonly ttlMs: number;
  private readonly lockMs: number;
  private readonly waitMs: number;

  constructor(
    private readonly redis: RedisClient,
    private readonly options: ReadCacheOptions,
  ) {
    this.ttlMs = options.ttlSeconds * 1000;
    this.lockMs = options.lockMs ?? 2000;
    this.waitMs = options.waitMs ?? 200;
    redis.defineCommand('cacheLookup', { numberOfKeys: 2, lua: LOOKUP_SCRIPT });
    redis.defineCommand('cacheStore', { numberOfKeys: 3, lua: STORE_SCRIPT });
    redis.defineCommand('cacheInvalidate', { numberOfKeys: 1, lua: INVALIDATE_SCRIPT });
    redis.defineCommand('cacheRelease', { numberOfKeys: 1, lua: RELEASE_SCRIPT });
  }

  get enabled(): boolean {
    return this.ttlMs > 0;
  }

  /**
   * The view of `ref` from the cache, or from `load` (then stored). `view` must identify
   * everything the answer depends on besides the resource itself (who may see what).
   */
  async read<T>(ref: CacheRef, view: string, load: () => Promise<T>, mode: CacheMode = { bypass: false }): Promise<T> {
    if (!this.enabled || mode.bypass) {
      this.tell(ref, 'bypass', mode);
      return load();
    }
    const redis = this.redis as ScriptedRedis;
    let version: string;
    try {
      const [current, entry] = await redis.cacheLookup(CacheKeys.version(ref), CacheKeys.view(ref, view));
      const hit = entry !== null ? parseEntry<T>(entry, current) : undefined;
      if (hit) {
        this.tell(ref, 'hit', mode);
        return hit.value;
      }
      version = current;
    } catch (error) {
      this.options.observe?.({ resource: ref.resource, outcome: 'error', error });
      this.tell(ref, 'miss', mode);
      return load();
    }
    this.tell(ref, 'miss', mode);
    // Concurrent misses of this view at this version share one load. A reader that saw a newer
    // version (a write was committed since) never joins an older load: it reads the new state.
    const flightKey = `${CacheKeys.view(ref, view)}@${version}`;
    const inFlight = this.flights.get(flightKey) as Promise<T> | undefined;
    if (inFlight) return inFlight;
    const flight = this.loadAndStore(ref, view, version, load).finally(() => this.flights.delete(flightKey));
    this.flights.set(flightKey, flight);
    return flight;
  }

  /**
   * Makes every cached view of `ref` stale for every reader. Called after a write is committed
   * (the write path, before its reply) and for the owning service's events.
   */
  async invalidate(ref: CacheRef): Promise<void> {
    if (!this.enabled) return;
    await (this.redis as ScriptedRedis).cacheInvalidate(CacheKeys.version(ref), this.ttlMs);
  }

  /** Loads (one process at a time per view, others wait briefly for its value) and stores under `version`. */
  private async loadAndStore<T>(ref: CacheRef, view: string, version: string, load: () => Promise<T>): Promise<T> {
    const redis = this.redis as ScriptedRedis;
    const [versionKey, viewKey, lockKey] = [CacheKeys.version(ref), CacheKeys.view(ref, view), CacheKeys.lock(ref, view)];
    const token = `${process.pid}:${Math.random().toString(36).slice(2)}`;
    const locked = await redis.set(lockKey, token, 'PX', this.lockMs, 'NX').catch(() => null);
    if (locked === null) {
      // another process is loading this view: take its value if it lands in time
      for (let waited = 0; waited < this.waitMs; waited += 20) {
        await sleep(20);
        const [current, entry] = await redis.cacheLookup(versionKey, viewKey).catch(() => ['', null] as [string, null]);
        const hit = entry !== null ? parseEntry<T>(entry, current) : undefined;
        if (hit && current === version) return hit.value;
        if (current !== version) break; // a write was committed meanwhile: load the new state
      }
    }
    let value: T;
    try {
      value = await load();
    } catch (error) {
      // nothing is cached for a failure: free the lock so the next reader loads at once
      if (locked !== null) await redis.cacheRelease(lockKey, token).catch(() => undefined);
      throw error;
    }
    try {
      await redis.cacheStore(versionKey, viewKey, lockKey, version, JSON.stringify(value), this.ttlMs, token);
    } catch (error) {
      this.options.observe?.({ resource: ref.resource, outcome: 'error', error });
    }
    return value;
  }

  private tell(ref: CacheRef, outcome: CacheOutcome, mode: CacheMode): void {
    mode.report?.(outcome);
    this.options.observe?.({ resource: ref.resource, outcome });
  }
}

/** The value of an entry stored under `version`, or undefined when it belongs to an older one. */
export function parseEntry<T>(entry: string, version: string): { value: T } | undefined {
  const bar = entry.indexOf('|');
  if (bar < 0 || entry.slice(0, bar) !== version) return undefined;
  return { value: JSON.parse(entry.slice(bar + 1)) as T };
}

/** `Cache-Control: no-cache` or `no-store` in a request asks for an answer from the source. */
export function bypassesCache(cacheControl: string | string[] | undefined): boolean {
  const value = Array.isArray(cacheControl) ? cacheControl.join(',') : (cacheControl ?? '');
  return /(^|[\s,])no-(cache|store)([\s,=]|$)/i.test(value);
}
