import type { JWTPayload } from 'jose';
import type { KeyObject } from 'node:crypto';

/** What a successful signature check established about one token. */
export interface VerifiedToken {
  payload: JWTPayload;
  typ: string;
  kid: string;
  /** The key that verified it: a hit counts only while the authority still publishes that key. */
  key: KeyObject;
}

/**
 * Tokens whose signature, issuer and algorithm were already checked, by their exact text, so a
 * token presented again (every request of a session) is not verified again: an RS256 check was
 * the largest CPU cost of a routed request in the services (docs/performance.md). Only the
 * signature work is skipped: expiry is checked on every hit, and revocation is the caller's
 * (checked on every request). Bounded: the oldest entry goes first when it is full.
 */
export class VerifiedTokens {
  private readonly entries = new Map<string, VerifiedToken>();

  constructor(
    private readonly maxEntries = 10_000,
    private readonly clockToleranceSeconds = 30,
  ) {}

  /** The token as verified before, or undefined (never seen, expired, or evicted). */
  get(token: string, nowMs = Date.now()): VerifiedToken | undefined {
    const entry = this.entries.get(token);
    if (!entry) return undefined;
    const { exp, nbf } = entry.payload;
    const now = nowMs / 1000;
    if ((typeof exp === 'number' && exp + this.clockToleranceSeconds <= now) || (typeof nbf === 'number' && nbf - this.clockToleranceSeconds > now)) {
      this.entries.delete(token);
      return undefined;
    }
    return entry;
  }

  set(token: string, entry: VerifiedToken): void {
    if (this.entries.size >= this.maxEntries) this.entries.delete(this.entries.keys().next().value as string);
    this.entries.set(token, entry);
  }

  delete(token: string): void {
    this.entries.delete(token);
  }

  get size(): number {
    return this.entries.size;
  }
}
