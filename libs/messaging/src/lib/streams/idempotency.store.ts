import { ErrorKind, type IdempotencyOrigin, type RpcMetadata, scopedIdempotencyKey, type WireError } from '@site11/contracts';
import type { ChainableCommander } from 'ioredis';
import type { RedisClient } from '@site11/redis';
import { createHash, scrypt } from 'node:crypto';
import { promisify } from 'node:util';
import { CREDENTIAL_FIELD } from './redaction';
import { StreamKeys, type StreamReply, type StreamsTuning } from './streams.keys';

export type Outcome = Omit<StreamReply, 'id'>;

/** Who sent a command under which key. */
export interface CommandIdentity {
  key: string;
  origin: IdempotencyOrigin;
  /** Calling app (`console-gateway`). */
  caller: string;
  /** The end user the caller acts for, if any. */
  actor?: string;
}

/** The identity of a command from its envelope's metadata, or null when it carries no key. */
export function commandIdentity(metadata: Partial<RpcMetadata> | undefined): CommandIdentity | null {
  if (typeof metadata?.idempotencyKey !== 'string') return null;
  return {
    key: metadata.idempotencyKey,
    origin: metadata.idempotencyOrigin === 'client' ? 'client' : 'delivery',
    caller: String(metadata.caller),
    ...(metadata.actor?.sub ? { actor: metadata.actor.sub } : {}),
  };
}

export type Claim =
  | { state: 'claimed' }
  /** The key was used for a different request. */
  | { state: 'mismatch' }
  /** Another delivery holds the key and is still running. */
  | { state: 'running' }
  /** Completed before; `outcome` is null when it was too large to keep. */
  | { state: 'done'; outcome: Outcome | null };

/**
 * One round trip: claim the key for this delivery, or tell what holds it. A record is a hash
 * `{ s: run|done, fp, m, o }`: `m` is the stream entry running it, so a reclaimed delivery of the
 * same entry takes over its own claim while a different request under the key does not.
 * KEYS[1] = record; ARGV[1] = fingerprint, ARGV[2] = entry id, ARGV[3] = lease (ms).
 */
const CLAIM_SCRIPT = `
local v = redis.call('HMGET', KEYS[1], 's', 'fp', 'm', 'o')
if not v[1] then
  redis.call('HSET', KEYS[1], 's', 'run', 'fp', ARGV[1], 'm', ARGV[2])
  redis.call('PEXPIRE', KEYS[1], ARGV[3])
  return {'claimed'}
end
if v[2] ~= ARGV[1] then return {'mismatch'} end
if v[1] == 'run' then
  if v[3] == ARGV[2] then
    redis.call('PEXPIRE', KEYS[1], ARGV[3])
    return {'claimed'}
  end
  return {'running'}
end
return {'done', v[4] or ''}`;

/**
 * Extends a claim only while it is still this delivery's running claim (a renewal that arrives
 * after the outcome was recorded must not cut the record's 24 h down to a lease), and never
 * shortens it (GT): a claim first lasts its request's remaining deadline plus the lease.
 * KEYS[1] = record; ARGV[1] = entry id, ARGV[2] = lease (ms).
 */
const RENEW_SCRIPT = `
local v = redis.call('HMGET', KEYS[1], 's', 'm')
if v[1] == 'run' and v[2] == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2], 'GT') end
return 0`;

/** Outcomes a retry would get again: a result, or a refusal the handler made about the request. */
const STORABLE_KINDS = new Set<string>([
  ErrorKind.InvalidArgument,
  ErrorKind.Unauthenticated,
  ErrorKind.PermissionDenied,
  ErrorKind.NotFound,
  ErrorKind.AlreadyExists,
  ErrorKind.FailedPrecondition,
  ErrorKind.ConditionNotMet,
  ErrorKind.PayloadTooLarge,
]);

export function isStorable(outcome: Outcome): boolean {
  if (outcome.err === undefined) return true;
  const kind = (outcome.err as Partial<WireError> | null)?.kind;
  return typeof kind === 'string' && STORABLE_KINDS.has(kind);
}

const scryptAsync = promisify(scrypt) as (password: string, salt: string, keylen: number, options: object) => Promise<Buffer>;

async function canonical(value: unknown, salt: string, field = ''): Promise<string> {
  if (Array.isArray(value)) return `[${(await Promise.all(value.map((v) => canonical(v, salt)))).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const keys = Object.keys(value).sort();
    const parts = await Promise.all(
      keys.map(async (k) => `${JSON.stringify(k)}:${await canonical((value as Record<string, unknown>)[k], salt, k)}`),
    );
    return `{${parts.join(',')}}`;
  }
  if (typeof value === 'string' && CREDENTIAL_FIELD.test(field)) {
    // as costly to reverse as a password hash, so the record never holds a guessable credential
    const hashed = await scryptAsync(value, salt, 32, { N: 1 << 14, r: 8, p: 1 });
    return JSON.stringify(`scrypt:${hashed.toString('base64')}`);
  }
  return JSON.stringify(value) ?? 'null';
}

/**
 * Idempotency records of one service's commands, in Redis. A key is scoped to the caller and
 * the end user it acts for, and bound to a fingerprint of the request (pattern and canonical
 * body): the same key with another request is refused, a duplicate while the first runs is told
 * so at once, and only outcomes that will not change are kept. Keys a caller made up for its own
 * deliveries are deleted when the reply is acknowledged.
 */
export class IdempotencyStore {
  /**
   * How long a running claim lasts without renewal: long enough that an owner stalled for a
   * few renewal periods keeps it (a duplicate still gets IN_PROGRESS), short enough that after
   * its owner died a client's retry runs again soon. The owner's own entry, reclaimed by
   * another instance, takes the claim over whatever its age.
   */
  private readonly leaseMs: number;

  constructor(
    private readonly redis: RedisClient,
    private readonly service: string,
    private readonly tuning: Pick<StreamsTuning, 'reclaimIdleMs' | 'idempotencyTtlSeconds' | 'idempotencyMaxResultBytes'>,
  ) {
    this.leaseMs = Math.max(1000, tuning.reclaimIdleMs * 3);
  }

  keyFor(identity: CommandIdentity): string {
    return StreamKeys.idempotency(this.service, scopedIdempotencyKey(identity));
  }

  /** A client key is bound to what was asked; a delivery key is unique to one request anyway. */
  async fingerprint(identity: CommandIdentity, pattern: string, data: unknown): Promise<string> {
    if (identity.origin !== 'client') return '-';
    const body = await canonical(data, this.keyFor(identity));
    return createHash('sha256').update(pattern).update('\n').update(body).digest('base64url');
  }

  /** Claims the key for a request with `remainingMs` left until its deadline. */
  async claim(recordKey: string, fingerprint: string, messageId: string, remainingMs = 0): Promise<Claim> {
    const lease = this.leaseMs + (Number.isFinite(remainingMs) ? Math.max(0, Math.ceil(remainingMs)) : 0);
    const [state, stored] = (await this.redis.eval(CLAIM_SCRIPT, 1, recordKey, fingerprint, messageId, lease)) as [
      string,
      string | undefined,
    ];
    if (state === 'claimed' || state === 'mismatch' || state === 'running') return { state };
    return { state: 'done', outcome: stored ? (JSON.parse(stored) as Outcome) : null };
  }

  /** Keeps this delivery's running claim alive; called with the stream entry's renewal. */
  renew(pipeline: ChainableCommander, recordKey: string, messageId: string): void {
    pipeline.eval(RENEW_SCRIPT, 1, recordKey, messageId, this.leaseMs);
  }

  /**
   * Records the outcome in the transaction that publishes the reply and acknowledges the entry:
   * a client key keeps a storable outcome for its TTL (too large: completed, not replayable);
   * anything else releases the key, so a retry runs again.
   */
  complete(tx: ChainableCommander, recordKey: string, origin: IdempotencyOrigin, fingerprint: string, outcome: Outcome): void {
    if (origin !== 'client' || !isStorable(outcome)) {
      tx.del(recordKey);
      return;
    }
    const serialized = JSON.stringify(outcome);
    const replayable = Buffer.byteLength(serialized) <= this.tuning.idempotencyMaxResultBytes;
    tx.hset(recordKey, 's', 'done', 'fp', fingerprint, 'o', replayable ? serialized : '');
    tx.hdel(recordKey, 'm');
    tx.expire(recordKey, this.tuning.idempotencyTtlSeconds);
  }
}
