import { Inject, Injectable, Logger } from '@nestjs/common';
import type { JsonWebKeySet } from '@site11/contracts';
import { createPublicKey, type KeyObject } from 'node:crypto';
import { AUTH_OPTIONS, type AuthModuleOptions } from './auth.options';

/**
 * Shortest time between two fetches caused by unknown `kid`s, so forged kids cannot flood the
 * authority. A token with an unknown kid waits for the next allowed fetch rather than failing,
 * so a token signed by a key rotated in a moment ago is still accepted.
 */
const MIN_REFRESH_INTERVAL_MS = 1_000;

/**
 * After a failed fetch, no other fetch for this long: while the authority is down, requests are
 * served from the keys at hand (or refused at once) instead of each waiting on a fetch that fails.
 */
const RETRY_AFTER_FAILURE_MS = 5_000;

/**
 * The token authority's public keys, by `kid`. Fetched lazily, reused for `jwksCacheMs`, and
 * fetched again (at most every few seconds) when a token names a key it does not know yet,
 * which is how a key rotation reaches the gateway without a restart.
 */
@Injectable()
export class JwksStore {
  private readonly logger = new Logger(JwksStore.name);
  /** Each key as PEM (what tests and the JWKS page compare) and parsed once, as verifiers use it. */
  private keys = new Map<string, { pem: string; key: KeyObject }>();
  private jwks: JsonWebKeySet = { keys: [] };
  private fetchedAt = 0;
  private inFlight: Promise<void> | null = null;
  private lastFailure: { at: number; error: unknown } | null = null;

  constructor(@Inject(AUTH_OPTIONS) private readonly options: AuthModuleOptions) {}

  /** The public key (SPKI PEM) for `kid`, or null when the authority does not publish it. */
  async keyFor(kid: string): Promise<string | null> {
    return (await this.entryFor(kid))?.pem ?? null;
  }

  /**
   * The same key parsed, ready for a signature check: parsing a PEM on every request was the
   * gateway's largest CPU cost (docs/performance.md).
   */
  async keyObjectFor(kid: string): Promise<KeyObject | null> {
    return (await this.entryFor(kid))?.key ?? null;
  }

  private async entryFor(kid: string): Promise<{ pem: string; key: KeyObject } | null> {
    if (this.isStale()) await this.refreshUnlessFailing();
    const known = this.keys.get(kid);
    if (known) return known;
    await this.refreshUnlessFailing(Math.max(0, this.fetchedAt + MIN_REFRESH_INTERVAL_MS - Date.now()));
    return this.keys.get(kid) ?? null;
  }

  /** The published key set, as served at /.well-known/jwks.json. */
  async current(): Promise<JsonWebKeySet> {
    if (this.isStale()) await this.refreshUnlessFailing();
    return this.jwks;
  }

  /** Fetches, unless the last fetch failed a moment ago: then uses what it has, or fails at once. */
  private async refreshUnlessFailing(delayMs = 0): Promise<void> {
    const failure = this.lastFailure;
    if (failure && Date.now() - failure.at < RETRY_AFTER_FAILURE_MS) {
      if (this.keys.size === 0) throw failure.error;
      return;
    }
    await this.refresh(delayMs);
  }

  private isStale(): boolean {
    return Date.now() - this.fetchedAt > (this.options.jwksCacheMs ?? 300_000);
  }

  /** One fetch at a time; callers arriving meanwhile share it. */
  private refresh(delayMs = 0): Promise<void> {
    this.inFlight ??= new Promise((resolve) => setTimeout(resolve, delayMs))
      .then(() => this.options.loadJwks())
      .then((jwks) => {
        const keys = new Map<string, { pem: string; key: KeyObject }>();
        for (const jwk of jwks.keys) {
          if (jwk.use && jwk.use !== 'sig') continue;
          const key = createPublicKey({ key: jwk as never, format: 'jwk' });
          const pem = key.export({ type: 'spki', format: 'pem' }).toString();
          // the same key keeps the same KeyObject across refreshes: verifiers compare by identity
          const known = this.keys.get(jwk.kid);
          keys.set(jwk.kid, known?.pem === pem ? known : { pem, key });
        }
        this.keys = keys;
        this.jwks = jwks;
        this.fetchedAt = Date.now();
        this.lastFailure = null;
      })
      .catch((error: unknown) => {
        this.lastFailure = { at: Date.now(), error };
        // keep serving the keys we have; callers see an unknown kid as an invalid token
        this.logger.warn(`Could not fetch the JWKS: ${error instanceof Error ? error.message : String(error)}`);
        if (this.keys.size === 0) throw error;
      })
      .finally(() => (this.inFlight = null));
    return this.inFlight;
  }
}
