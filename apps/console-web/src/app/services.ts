import { type ApiClient, createApiClient } from '../api/client';
import { AUTH_CHANNEL, AuthSession, type ChannelLike, type LockManagerLike } from '../auth/session';
import { createSessionTransport } from '../auth/transport';

export interface Services {
  api: ApiClient;
  session: AuthSession;
}

export interface ServicesOptions {
  /** '' (same origin) in the browser; tests give an absolute origin. */
  baseUrl?: string;
  fetch?: typeof fetch;
  /** Defaults to `navigator.locks` when the browser has it. */
  locks?: LockManagerLike | null;
  /** Defaults to a `BroadcastChannel('site11-console-auth')` when the browser has it. */
  channel?: ChannelLike | null;
}

function browserLocks(): LockManagerLike | null {
  const locks = typeof navigator === 'undefined' ? undefined : (navigator as Navigator & { locks?: LockManager }).locks;
  if (!locks || typeof locks.request !== 'function') return null;
  return { request: <T>(name: string, callback: () => Promise<T>) => locks.request(name, callback) as Promise<T> };
}

function browserChannel(): ChannelLike | null {
  return typeof BroadcastChannel === 'function' ? new BroadcastChannel(AUTH_CHANNEL) : null;
}

/** The API client and the auth session, wired to each other. */
export function createServices(options: ServicesOptions = {}): Services {
  // the client needs the session (tokens) and the session needs the client (its routes)
  const wired: { session?: AuthSession } = {};
  const api = createApiClient({
    ...(options.baseUrl !== undefined ? { baseUrl: options.baseUrl } : {}),
    ...(options.fetch ? { fetch: options.fetch } : {}),
    tokens: {
      get accessToken() {
        return wired.session?.accessToken ?? null;
      },
      recoverFromUnauthorized: (token) => wired.session?.recoverFromUnauthorized(token) ?? Promise.resolve(null),
      rejectedAfterRefresh: () => wired.session?.rejectedAfterRefresh(),
    },
  });
  const session = new AuthSession(createSessionTransport(api), {
    locks: options.locks === undefined ? browserLocks() : options.locks,
    channel: options.channel === undefined ? browserChannel() : options.channel,
  });
  wired.session = session;
  return { api, session };
}
