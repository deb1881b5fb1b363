import type { Actor } from '../auth/auth.dto';

/**
 * The envelope's format version, sent as `metadata.v` on every request and event. A release reads
 * its own version, the one before it (a message without `v` was sent before versions existed:
 * version 1) and the one after it, so replicas of two consecutive releases work together during a
 * rolling upgrade or a rollback. Within that window a change is additive: new fields are optional
 * for the reader, no field is removed or changes type, and a release sends a new field only once
 * the release before it ignores or understands it (docs/messaging.md, "Compatibility").
 */
export const ENVELOPE_VERSION = 1;

/** Whether this release reads an envelope of version `v` (absent: version 1). */
export function isReadableEnvelopeVersion(v: unknown): boolean {
  if (v === undefined) return true;
  return typeof v === 'number' && Number.isInteger(v) && v >= Math.max(1, ENVELOPE_VERSION - 1) && v <= ENVELOPE_VERSION + 1;
}

/**
 * Every request crossing the broker is wrapped in an envelope so that cross-cutting facts
 * (who asked, on behalf of which HTTP request, until when the answer is useful) travel
 * with the payload without polluting the DTOs.
 */
export interface RpcMetadata {
  /** The envelope's format version (`ENVELOPE_VERSION`); absent from releases before it existed. */
  v?: number;
  /** The gateway's request id; one id follows a call through every service. */
  requestId: string;
  /** Epoch milliseconds after which the caller no longer waits for the answer. */
  deadline: number;
  /** Name of the calling app, e.g. `console-gateway`. */
  caller: string;
  /**
   * The end user on whose behalf the call is made. Sent by the caller only as a hint: the
   * receiving service replaces it with what `credential` proves (RpcIdentityGuard).
   */
  actor?: Actor;
  /**
   * What proves who calls: the end user's access token as the gateway received it, or a service
   * token the authority minted for the calling app. Verified by the receiving service.
   */
  credential?: string;
  /** Set by the receiving service when `credential` is a service token: the app it proves. */
  service?: string;
  /** The HTTP client the call serves, as the gateway saw it (address after trusted proxies). */
  client?: { ip: string; userAgent?: string };
  /** Set on commands: a duplicate delivery of the same key runs once (see `idempotencyOrigin`). */
  idempotencyKey?: string;
  /**
   * `client`: the end user's `Idempotency-Key`, bound to the request and kept 24 h; `delivery`
   * (the default): made up by the caller for one request, kept only while it can be delivered.
   */
  idempotencyOrigin?: IdempotencyOrigin;
}

export type IdempotencyOrigin = 'client' | 'delivery';

/**
 * A command's key as the service keeps it: scoped to its origin, the calling app and the end
 * user, so two users (or a user and an internal caller) never share a key. The transport's
 * records and a service's own write-side markers (`createdBy`) use the same scoping.
 */
export function scopedIdempotencyKey(identity: { key: string; origin: IdempotencyOrigin; caller: string; actor?: string }): string {
  return `${identity.origin === 'client' ? 'c' : 'd'}:${identity.caller}:${identity.actor ?? '-'}:${identity.key}`;
}

/** Codes of the idempotency layer every command goes through. */
export const IdempotencyErrors = {
  /** The key was used before for a different request (422). */
  keyReused: 'IDEMPOTENCY.KEY_REUSED',
  /** A request with the key is still running (409); retry later. */
  inProgress: 'IDEMPOTENCY.IN_PROGRESS',
  /** The request completed, but its result was too large to keep (409). */
  resultUnavailable: 'IDEMPOTENCY.RESULT_UNAVAILABLE',
} as const;

export interface RpcEnvelope<T = unknown> {
  data: T;
  metadata: RpcMetadata;
}

export interface Page<T> {
  items: T[];
  /** Opaque cursor for the next page, or `null` when this page is the last. */
  nextCursor: string | null;
}

/** Every service answers `<service>.ping`: the gateway's readiness and /health/services use it. */
export const pingPattern = (service: string) => `${service}.ping`;

export interface PingReply {
  service: string;
  pid: number;
  uptimeSeconds: number;
}
