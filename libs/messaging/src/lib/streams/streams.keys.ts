/**
 * Redis keys of the streams transport. One request stream per service (`rpc:users`), one stream
 * per event type (`evt:users.deleted`), one dead-letter stream per service, and a sorted set of
 * live instances per service, scored by their last heartbeat.
 */
export const StreamKeys = {
  requests: (service: string) => `rpc:${service}`,
  events: (pattern: string) => `evt:${pattern}`,
  deadLetters: (service: string) => `dlq:${service}`,
  live: (service: string) => `live:${service}`,
  /** Hash: requests answered, per consumer (instance). */
  handled: (service: string) => `rpc:handled:${service}`,
  reply: (clientId: string) => `rpc:reply:${clientId}`,
  idempotency: (pattern: string, key: string) => `idem:${pattern}:${key}`,
} as const;

/** The service that owns a pattern is its first segment: `users.create` → `users`. */
export function serviceOf(pattern: string): string {
  const dot = pattern.indexOf('.');
  return dot > 0 ? pattern.slice(0, dot) : pattern;
}

export interface StreamsTuning {
  /** Requests one instance works on at once; it reads no more until one finishes. */
  maxInFlight: number;
  /** Pending messages idle this long belong to a dead instance and are reclaimed (ms). */
  reclaimIdleMs: number;
  /** Deliveries after which a message is dead-lettered instead of retried. */
  maxDeliveries: number;
  /** Approximate length request streams are trimmed to. */
  requestMaxLen: number;
  /** Approximate length event streams are trimmed to (the catch-up window). */
  eventMaxLen: number;
  /** How long a command's result is remembered under its idempotency key (s). */
  idempotencyTtlSeconds: number;
  /** How long a stopping instance may spend finishing in-flight work (ms). */
  shutdownGraceMs: number;
  /** An instance is live while its last heartbeat is younger than this (ms). */
  livenessMs: number;
}

export const DEFAULT_STREAMS_TUNING: StreamsTuning = {
  maxInFlight: 64,
  reclaimIdleMs: 10_000,
  maxDeliveries: 5,
  requestMaxLen: 10_000,
  eventMaxLen: 100_000,
  idempotencyTtlSeconds: 86_400,
  shutdownGraceMs: 10_000,
  livenessMs: 3_000,
};

/** What travels back on a reply channel. */
export interface StreamReply {
  id: string;
  response?: unknown;
  err?: unknown;
}

/**
 * Heartbeat scored with Redis' own clock, so instances and callers on different machines never
 * compare their clocks. KEYS[1] = live set; ARGV[1] = member.
 */
export const HEARTBEAT_SCRIPT = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
redis.call('ZADD', KEYS[1], now, ARGV[1])
redis.call('ZREMRANGEBYSCORE', KEYS[1], 0, now - 60000)
return now`;

/**
 * Appends a request only if an instance of the service was seen within the liveness window, in
 * one atomic round trip. KEYS[1] = live set, KEYS[2] = request stream; ARGV[1] = liveness ms,
 * ARGV[2] = MAXLEN, ARGV[3..] = field/value pairs. Returns the entry id, or false.
 */
export const SEND_IF_LIVE_SCRIPT = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
if redis.call('ZCOUNT', KEYS[1], now - tonumber(ARGV[1]), '+inf') == 0 then return false end
return redis.call('XADD', KEYS[2], 'MAXLEN', '~', ARGV[2], '*', unpack(ARGV, 3))`;
