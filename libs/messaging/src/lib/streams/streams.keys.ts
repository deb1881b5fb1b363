/**
 * Redis keys of the streams transport. Every key carries the owning service as a hash tag
 * (`{users}`), so the keys one script or MULTI touches together (a request stream, its live set,
 * its idempotency records, its bookkeeping) hash to one Redis Cluster slot. Event streams carry
 * the tag of the service that emits them: a consumer reads its own requests and each emitter's
 * events in separate blocking reads, one per slot group.
 */
export const StreamKeys = {
  requests: (service: string) => `rpc:{${service}}`,
  events: (pattern: string) => `evt:{${serviceOf(pattern)}}:${pattern}`,
  deadLetters: (service: string) => `dlq:{${service}}`,
  live: (service: string) => `live:{${service}}`,
  /**
   * Hash: requests answered, per consumer (instance), added with each heartbeat (so up to a second
   * behind). Fields of gone consumers are removed.
   */
  handled: (service: string) => `rpc:handled:{${service}}`,
  /**
   * Pub/sub channel of one client's replies. It starts with the calling app's name, so that app's
   * Redis user may subscribe to its own replies and to nobody else's (tools/platform/redis-acl.cjs).
   */
  reply: (caller: string, clientId: string) => `rpc:reply:${caller}:${clientId}`,
  /** Hash: the claim or outcome of one command, by scoped idempotency key. */
  idempotency: (service: string, scopedKey: string) => `idem:{${service}}:${scopedKey}`,
  /** Marker that an outbox event was appended to its stream already. */
  published: (pattern: string, eventId: string) => `evtpub:{${serviceOf(pattern)}}:${eventId}`,
} as const;

/** The service that owns a pattern is its first segment: `users.create` → `users`. */
export function serviceOf(pattern: string): string {
  const dot = pattern.indexOf('.');
  return dot > 0 ? pattern.slice(0, dot) : pattern;
}

/** The hash tag of a key (what Redis Cluster hashes), or the key itself when it has none. */
export function slotGroupOf(key: string): string {
  const open = key.indexOf('{');
  const close = open >= 0 ? key.indexOf('}', open + 1) : -1;
  return close > open + 1 ? key.slice(open + 1, close) : key;
}

export interface StreamsTuning {
  /** Handlers one instance runs at once, across all its streams and reclaimed work. */
  maxInFlight: number;
  /**
   * A pending message nobody renewed for this long belongs to a dead instance and is reclaimed
   * (ms). Owners renew what they run every third of it, so a slow handler is never taken over.
   */
  reclaimIdleMs: number;
  /** Deliveries after which a message is dead-lettered instead of delivered again. */
  maxDeliveries: number;
  /**
   * Longest wait before a failed event is delivered again (ms). The wait doubles with each failed
   * delivery, from `reclaimIdleMs` after the first (`eventRetryDelayMs`), up to this; at or below
   * `reclaimIdleMs` every retry comes after `reclaimIdleMs`, as for a dead instance's work.
   */
  retryMaxDelayMs: number;
  /** Approximate length request streams are trimmed to. */
  requestMaxLen: number;
  /**
   * Event streams keep entries this long (ms), by the time Redis appended them: the window in which
   * a consumer can catch up or replay (statistics backfills from it). Older counts live only in the
   * consumers' own stores.
   */
  eventRetentionMs: number;
  /** Memory guard on top of the time window: event streams are trimmed to about this many entries. */
  eventMaxLen: number;
  /** How long the outcome of a command sent with a client's Idempotency-Key is kept (s). */
  idempotencyTtlSeconds: number;
  /** Outcomes larger than this are recorded as completed but not replayable (bytes). */
  idempotencyMaxResultBytes: number;
  /** How long a stopping instance may spend finishing in-flight work (ms). */
  shutdownGraceMs: number;
  /** An instance is live while its last heartbeat is younger than this (ms). */
  livenessMs: number;
  /** Where a subscriber's consumer group on an event stream starts when it is first created. */
  eventsFrom: 'new' | 'oldest';
}

export const DEFAULT_STREAMS_TUNING: StreamsTuning = {
  maxInFlight: 64,
  reclaimIdleMs: 2_000,
  maxDeliveries: 5,
  retryMaxDelayMs: 60_000,
  requestMaxLen: 10_000,
  eventRetentionMs: 7 * 24 * 3_600_000,
  eventMaxLen: 1_000_000,
  idempotencyTtlSeconds: 86_400,
  idempotencyMaxResultBytes: 64 * 1024,
  shutdownGraceMs: 10_000,
  livenessMs: 3_000,
  eventsFrom: 'new',
};

/** What travels back on a reply channel. */
export interface StreamReply {
  id: string;
  response?: unknown;
  err?: unknown;
}

/** Redis' clock in ms, inside a script. */
const REDIS_NOW = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)`;

/**
 * Heartbeat scored with Redis' own clock, so instances and callers on different machines never
 * compare their clocks; it also adds the requests answered since the last beat to the instance's
 * count, which keeps that bookkeeping off the request path. KEYS[1] = live set, KEYS[2] = the
 * handled-count hash; ARGV[1] = member, ARGV[2] = requests answered since the last beat. Returns
 * Redis' time (ms).
 */
export const HEARTBEAT_SCRIPT = `${REDIS_NOW}
if tonumber(ARGV[2]) > 0 then redis.call('HINCRBY', KEYS[2], ARGV[1], ARGV[2]) end
redis.call('ZADD', KEYS[1], now, ARGV[1])
redis.call('ZREMRANGEBYSCORE', KEYS[1], 0, now - 60000)
return now`;

/**
 * Appends a request only if an instance of the service was seen within the liveness window, in
 * one atomic round trip. KEYS[1] = live set, KEYS[2] = request stream; ARGV[1] = liveness ms,
 * ARGV[2] = MAXLEN, ARGV[3..] = field/value pairs. Returns the entry id, or false.
 */
export const SEND_IF_LIVE_SCRIPT = `${REDIS_NOW}
if redis.call('ZCOUNT', KEYS[1], now - tonumber(ARGV[1]), '+inf') == 0 then return false end
return redis.call('XADD', KEYS[2], 'MAXLEN', '~', ARGV[2], '*', unpack(ARGV, 3))`;

/**
 * Appends an event to its stream, dropping entries older than the retention window (MINID, by
 * Redis' clock) and trimming to about MAXLEN entries as a memory guard. KEYS[1] = event stream;
 * ARGV[1] = retention ms, ARGV[2] = MAXLEN, ARGV[3..] = field/value pairs.
 */
export const PUBLISH_SCRIPT = `${REDIS_NOW}
local id = redis.call('XADD', KEYS[1], 'MINID', '~', tostring(math.max(0, now - tonumber(ARGV[1]))), '*', unpack(ARGV, 3))
redis.call('XTRIM', KEYS[1], 'MAXLEN', '~', ARGV[2])
return id`;

/**
 * Appends an outbox event unless an earlier relay run already did, so a relay that crashed
 * between XADD and clearing its outbox does not publish twice; trims like PUBLISH_SCRIPT.
 * KEYS[1] = marker, KEYS[2] = event stream; ARGV[1] = marker TTL (s), ARGV[2] = retention ms,
 * ARGV[3] = MAXLEN, ARGV[4..] = field/value pairs.
 */
export const PUBLISH_ONCE_SCRIPT = `${REDIS_NOW}
if redis.call('SET', KEYS[1], '1', 'NX', 'EX', ARGV[1]) == false then return false end
local id = redis.call('XADD', KEYS[2], 'MINID', '~', tostring(math.max(0, now - tonumber(ARGV[2]))), '*', unpack(ARGV, 4))
redis.call('XTRIM', KEYS[2], 'MAXLEN', '~', ARGV[3])
return id`;

/**
 * Answers a request without an idempotency record, in one command: publishes the reply (unless
 * there is none to send), acknowledges and deletes the entry, atomically like the MULTI it
 * replaces but one command instead of five, so concurrent answers share one socket write (the
 * writer pipelines automatically). KEYS[1] = request stream; ARGV[1] = group, ARGV[2] = entry
 * id, ARGV[3] = reply channel ('' for none), ARGV[4] = reply.
 */
export const FINISH_SCRIPT = `
if ARGV[3] ~= '' then redis.call('PUBLISH', ARGV[3], ARGV[4]) end
redis.call('XACK', KEYS[1], ARGV[1], ARGV[2])
return redis.call('XDEL', KEYS[1], ARGV[2])`;
