/**
 * The console's auth session: the access token lives in memory only; the refresh token is an
 * HttpOnly cookie JavaScript never sees, spent by `POST /api/v1/console/session/refresh`.
 *
 * - start(): on page load there is no token in memory, so try a refresh (the cookie may be there).
 * - The token is refreshed `REFRESH_LEAD_MS` before it expires (at least half-way through its life).
 * - Tabs share one cookie, and a refresh token is single use (the gateway ends every session of
 *   the user when a spent one comes back), so refreshes are serialised across tabs with the Web
 *   Lock `site11-console-refresh`, and every fresh token is posted on the BroadcastChannel
 *   `site11-console-auth`. A tab that receives one adopts it and reschedules; a tab that got a
 *   token while it waited for the lock uses that one instead of refreshing again.
 * - Without Web Locks (old browsers, jsdom) a tab refreshes on its own (still once at a time).
 * - A 401 from the refresh route ends the session; when the tab had a session, all tabs are told
 *   to sign out (the cookie is shared: if it no longer works here, it works nowhere).
 */
import { ApiError } from '../api/errors';
import type { TokenSource } from '../api/client';

export const REFRESH_LOCK = 'site11-console-refresh';
export const AUTH_CHANNEL = 'site11-console-auth';
/** Refresh this long before the access token expires. */
export const REFRESH_LEAD_MS = 60_000;
/** After a refresh failed for lack of an answer (not a 401), try again this much later. */
export const REFRESH_RETRY_MS = 15_000;

export interface AccessGrant {
  accessToken: string;
  /** Lifetime of the access token, in seconds. */
  expiresIn: number;
}

/** Sign-in's answer for an account with two-factor authentication: no session until a code is given. */
export interface MfaChallenge {
  mfaRequired: true;
  /** Sent back with the code; valid 5 minutes, for 5 attempts. */
  mfaToken: string;
}

/** The second factor: a current code of the authenticator app, or one of the recovery codes. */
export type SecondFactor = { code: string } | { recoveryCode: string };

/** The console session routes (see auth/transport.ts). Failures are `ApiError`s. */
export interface SessionTransport {
  signIn(email: string, password: string): Promise<AccessGrant | MfaChallenge>;
  /** Finishes a sign-in that answered an `MfaChallenge`. */
  signInMfa(mfaToken: string, factor: SecondFactor): Promise<AccessGrant>;
  refresh(): Promise<AccessGrant>;
  /** Ends the server session and clears the cookie; needs the access token. */
  signOut(): Promise<void>;
}

/** The part of `navigator.locks` used here. */
export interface LockManagerLike {
  request<T>(name: string, callback: () => Promise<T>): Promise<T>;
}

/** The part of `BroadcastChannel` used here. */
export interface ChannelLike {
  postMessage(message: unknown): void;
  addEventListener(type: 'message', listener: (event: MessageEvent) => void): void;
  removeEventListener(type: 'message', listener: (event: MessageEvent) => void): void;
  close(): void;
}

export type AuthStatus = 'unknown' | 'signedIn' | 'signedOut';

/**
 * Why the session ended: `user` (signed out here), `elsewhere` (another tab signed out, or the
 * session was ended everywhere), `expired` (the refresh cookie stopped working), `unreachable`
 * (on page load the gateway did not answer), `deleted` (the user deleted their account here).
 * Null: there was no session to begin with.
 */
export type SignOutReason = 'user' | 'elsewhere' | 'expired' | 'unreachable' | 'deleted';

export interface SessionSnapshot {
  status: AuthStatus;
  accessToken: string | null;
  /** Epoch ms at which the access token expires. */
  expiresAt: number | null;
  /** The token's `sub` claim, when readable: a change means another user. */
  subject: string | null;
  reason: SignOutReason | null;
}

export type AuthMessage =
  | { type: 'token'; accessToken: string; expiresAt: number }
  | { type: 'signedOut'; reason: SignOutReason };

export interface AuthSessionOptions {
  locks?: LockManagerLike | null;
  channel?: ChannelLike | null;
  now?: () => number;
}

/** The `sub` claim of a JWT, without verifying it (the gateway does that): only to tell users apart. */
export function tokenSubject(token: string): string | null {
  const payload = token.split('.')[1];
  if (!payload) return null;
  try {
    const json = atob(payload.replace(/-/g, '+').replace(/_/g, '/').padEnd(Math.ceil(payload.length / 4) * 4, '='));
    const sub = (JSON.parse(json) as { sub?: unknown }).sub;
    return typeof sub === 'string' ? sub : null;
  } catch {
    return null;
  }
}

function isAuthMessage(value: unknown): value is AuthMessage {
  if (typeof value !== 'object' || value === null) return false;
  const message = value as Partial<AuthMessage> & Record<string, unknown>;
  if (message.type === 'token') return typeof message['accessToken'] === 'string' && typeof message['expiresAt'] === 'number';
  return message.type === 'signedOut';
}

export class AuthSession implements TokenSource {
  private state: SessionSnapshot = { status: 'unknown', accessToken: null, expiresAt: null, subject: null, reason: null };
  private readonly listeners = new Set<() => void>();
  private readonly locks: LockManagerLike | null;
  private readonly channel: ChannelLike | null;
  private readonly now: () => number;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private inflight: Promise<string | null> | null = null;
  /** Bumped on every change of token or status, here or from another tab. */
  private generation = 0;
  private started: Promise<void> | null = null;

  constructor(
    private readonly transport: SessionTransport,
    options: AuthSessionOptions = {},
  ) {
    this.locks = options.locks ?? null;
    this.channel = options.channel ?? null;
    this.now = options.now ?? (() => Date.now());
    this.channel?.addEventListener('message', this.onMessage);
  }

  /** For `useSyncExternalStore`: the same object until something changes. */
  readonly snapshot = (): SessionSnapshot => this.state;

  readonly subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  get accessToken(): string | null {
    return this.state.accessToken;
  }

  get status(): AuthStatus {
    return this.state.status;
  }

  /** Page load: no token in memory, but the refresh cookie may be there. Runs once. */
  start(): Promise<void> {
    this.started ??= (async () => {
      if (this.state.status !== 'unknown') return;
      try {
        await this.refresh();
      } catch {
        // no answer: nothing to go on but the sign-in page
        if (this.state.status === 'unknown') this.end('unreachable', false);
      }
    })();
    return this.started;
  }

  /**
   * Signs in, or answers the challenge of an account with two-factor authentication (still
   * signed out): then `signInMfa()` with its token and a code finishes.
   */
  async signIn(email: string, password: string): Promise<MfaChallenge | null> {
    const answer = await this.transport.signIn(email, password);
    if ('mfaRequired' in answer) return answer;
    this.adopt(answer.accessToken, this.now() + answer.expiresIn * 1000, true);
    return null;
  }

  async signInMfa(mfaToken: string, factor: SecondFactor): Promise<void> {
    const grant = await this.transport.signInMfa(mfaToken, factor);
    this.adopt(grant.accessToken, this.now() + grant.expiresIn * 1000, true);
  }

  /** Ends the session on the server (clearing the cookie), here, and in every other tab. */
  async signOut(): Promise<void> {
    if (this.state.accessToken) {
      try {
        await this.transport.signOut();
      } catch {
        // signed out here all the same; the server session ends with its refresh token's lifetime
      }
    }
    this.end('user', true);
  }

  /** After the server ended the session some other way (logout-all): forget it here and in every tab. */
  endEverywhere(reason: SignOutReason = 'elsewhere'): void {
    this.end(reason, true);
  }

  /**
   * A fresh access token. One refresh at a time in this tab; across tabs, serialised by the
   * Web Lock, skipped when another tab already refreshed while this one waited. Resolves null when
   * the session is over; rejects (ApiError) when no answer came and the session may still be good.
   */
  refresh(): Promise<string | null> {
    this.inflight ??= this.coordinatedRefresh().finally(() => {
      this.inflight = null;
    });
    return this.inflight;
  }

  async recoverFromUnauthorized(token: string | null): Promise<string | null> {
    if (this.state.status !== 'signedIn') return null;
    // refreshed already (by another request or tab) since that request left
    if (this.state.accessToken !== null && this.state.accessToken !== token) return this.state.accessToken;
    try {
      return await this.refresh();
    } catch {
      return null;
    }
  }

  rejectedAfterRefresh(): void {
    this.end('expired', false);
  }

  /** Stops timers and leaves the channel (tests, hot reload). */
  dispose(): void {
    this.clearTimer();
    this.channel?.removeEventListener('message', this.onMessage);
    this.listeners.clear();
  }

  private async coordinatedRefresh(): Promise<string | null> {
    const seen = this.generation;
    const run = async (): Promise<string | null> => {
      if (this.generation !== seen) {
        // another tab refreshed (or signed out) while this one waited for the lock
        if (this.state.status === 'signedIn' && !this.expiresSoon()) return this.state.accessToken;
        if (this.state.status === 'signedOut') return null;
      }
      return this.refreshNow();
    };
    return this.locks ? this.locks.request(REFRESH_LOCK, run) : run();
  }

  private async refreshNow(): Promise<string | null> {
    const hadSession = this.state.status === 'signedIn';
    let grant: AccessGrant;
    try {
      grant = await this.transport.refresh();
    } catch (error) {
      if (error instanceof ApiError && error.status === 401) {
        // missing, expired, revoked or re-used (then the gateway has ended every session)
        this.end(hadSession ? 'expired' : null, hadSession);
        return null;
      }
      if (this.state.status === 'signedIn') this.schedule(REFRESH_RETRY_MS);
      throw error;
    }
    this.adopt(grant.accessToken, this.now() + grant.expiresIn * 1000, true);
    return grant.accessToken;
  }

  private readonly onMessage = (event: MessageEvent): void => {
    const message: unknown = event.data;
    if (!isAuthMessage(message)) return;
    if (message.type === 'token') {
      if (message.expiresAt <= this.now()) return;
      this.adopt(message.accessToken, message.expiresAt, false);
    } else if (this.state.status !== 'signedOut') {
      this.end(message.reason === 'expired' ? 'expired' : 'elsewhere', false);
    }
  };

  private adopt(accessToken: string, expiresAt: number, broadcast: boolean): void {
    this.generation += 1;
    this.set({ status: 'signedIn', accessToken, expiresAt, subject: tokenSubject(accessToken), reason: null });
    this.schedule();
    if (broadcast) this.post({ type: 'token', accessToken, expiresAt });
  }

  private end(reason: SignOutReason | null, broadcast: boolean): void {
    this.generation += 1;
    this.clearTimer();
    this.set({ status: 'signedOut', accessToken: null, expiresAt: null, subject: null, reason });
    if (broadcast) this.post({ type: 'signedOut', reason: reason === 'expired' ? 'expired' : 'elsewhere' });
  }

  private expiresSoon(): boolean {
    return this.state.expiresAt === null || this.state.expiresAt - this.now() <= REFRESH_LEAD_MS / 2;
  }

  /** Next refresh: `REFRESH_LEAD_MS` before expiry, but no sooner than half-way through the token's life. */
  private schedule(delay?: number): void {
    this.clearTimer();
    const expiresAt = this.state.expiresAt;
    if (expiresAt === null) return;
    const left = expiresAt - this.now();
    const wait = delay ?? Math.max(0, left - REFRESH_LEAD_MS, left / 2);
    this.timer = setTimeout(() => {
      this.timer = null;
      this.refresh().catch(() => undefined);
    }, wait);
  }

  private clearTimer(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
  }

  private post(message: AuthMessage): void {
    try {
      this.channel?.postMessage(message);
    } catch {
      // a closed channel: the other tabs find out on their next refresh
    }
  }

  private set(next: SessionSnapshot): void {
    this.state = next;
    for (const listener of this.listeners) listener();
  }
}
