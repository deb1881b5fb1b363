import { afterEach, beforeEach, describe, expect, it, type Mock, vi } from 'vitest';
import { ApiError } from '../api/errors';
import {
  type AccessGrant,
  AuthSession,
  type ChannelLike,
  type LockManagerLike,
  type MfaChallenge,
  REFRESH_LEAD_MS,
  REFRESH_RETRY_MS,
  type SessionTransport,
  tokenSubject,
} from './session';

/** BroadcastChannels of one origin: a message reaches every other member, asynchronously. */
class FakeChannelHub {
  private readonly members = new Set<FakeChannel>();
  join(): FakeChannel {
    const channel = new FakeChannel(this.members);
    this.members.add(channel);
    return channel;
  }
}

class FakeChannel implements ChannelLike {
  private readonly listeners = new Set<(event: MessageEvent) => void>();
  readonly sent: unknown[] = [];
  constructor(private readonly members: Set<FakeChannel>) {}
  postMessage(message: unknown): void {
    this.sent.push(message);
    for (const member of this.members) {
      if (member !== this) void Promise.resolve().then(() => member.deliver(message));
    }
  }
  addEventListener(_type: 'message', listener: (event: MessageEvent) => void): void {
    this.listeners.add(listener);
  }
  removeEventListener(_type: 'message', listener: (event: MessageEvent) => void): void {
    this.listeners.delete(listener);
  }
  close(): void {
    this.members.delete(this);
  }
  private deliver(message: unknown): void {
    for (const listener of this.listeners) listener({ data: message } as MessageEvent);
  }
}

/** navigator.locks of one origin: one holder of a name at a time, the others queue. */
class FakeLocks implements LockManagerLike {
  private tail = new Map<string, Promise<unknown>>();
  request<T>(name: string, callback: () => Promise<T>): Promise<T> {
    const previous = this.tail.get(name) ?? Promise.resolve();
    const result = previous.then(callback, callback);
    this.tail.set(
      name,
      result.catch(() => undefined),
    );
    return result;
  }
}

function deferred<T>() {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

const unauthorized = () =>
  new ApiError({ status: 401, code: 'AUTH.INVALID_REFRESH_TOKEN', message: 'The refresh token is not valid' });

function transport(refresh: () => Promise<AccessGrant>): SessionTransport & {
  refresh: ReturnType<typeof vi.fn>;
  signIn: Mock<SessionTransport['signIn']>;
  signInMfa: Mock<SessionTransport['signInMfa']>;
} {
  return {
    signIn: vi.fn(async (): Promise<AccessGrant | MfaChallenge> => ({ accessToken: 'signed-in', expiresIn: 900 })),
    signInMfa: vi.fn(async () => ({ accessToken: 'signed-in-with-a-code', expiresIn: 900 })),
    refresh: vi.fn(refresh),
    signOut: vi.fn(async () => undefined),
  };
}

/** Lets delivered messages and settled promises run. */
const flush = async () => {
  for (let i = 0; i < 10; i += 1) await Promise.resolve();
};

describe('AuthSession', () => {
  const sessions: AuthSession[] = [];
  const track = (session: AuthSession) => {
    sessions.push(session);
    return session;
  };

  beforeEach(() => {
    vi.useFakeTimers();
    vi.setSystemTime(new Date('2025-01-01T00:00:00Z'));
  });
  afterEach(() => {
    sessions.splice(0).forEach((session) => session.dispose());
    vi.useRealTimers();
  });

  it('restores the session on page load when the refresh cookie still works', async () => {
    const session = track(new AuthSession(transport(async () => ({ accessToken: 'a1', expiresIn: 900 }))));
    expect(session.status).toBe('unknown');
    await session.start();
    expect(session.snapshot()).toMatchObject({ status: 'signedIn', accessToken: 'a1', reason: null });
  });

  it('shows sign-in on page load when there is no refresh cookie, without a reason to explain', async () => {
    const session = track(new AuthSession(transport(async () => Promise.reject(unauthorized()))));
    await session.start();
    expect(session.snapshot()).toMatchObject({ status: 'signedOut', accessToken: null, reason: null });
  });

  it('shows sign-in on page load when the gateway does not answer', async () => {
    const session = track(
      new AuthSession(transport(async () => Promise.reject(new ApiError({ status: 0, code: 'NETWORK_ERROR', message: 'offline' })))),
    );
    await session.start();
    expect(session.snapshot()).toMatchObject({ status: 'signedOut', reason: 'unreachable' });
  });

  it('stays signed out when sign-in asks for a second factor, and signs in with the code', async () => {
    const api = transport(async () => Promise.reject(unauthorized()));
    api.signIn.mockResolvedValueOnce({ mfaRequired: true, mfaToken: 'challenge-1' });
    const session = track(new AuthSession(api));
    await session.start();
    expect(await session.signIn('ada@example.com', 'correct horse')).toEqual({ mfaRequired: true, mfaToken: 'challenge-1' });
    expect(session.snapshot()).toMatchObject({ status: 'signedOut', accessToken: null });

    await session.signInMfa('challenge-1', { code: '123456' });
    expect(api.signInMfa).toHaveBeenCalledWith('challenge-1', { code: '123456' });
    expect(session.snapshot()).toMatchObject({ status: 'signedIn', accessToken: 'signed-in-with-a-code' });
  });

  it('refreshes a minute before the access token expires', async () => {
    let n = 0;
    const api = transport(async () => ({ accessToken: `a${++n}`, expiresIn: 900 }));
    const session = track(new AuthSession(api));
    await session.start();
    expect(api.refresh).toHaveBeenCalledTimes(1);

    await vi.advanceTimersByTimeAsync(900_000 - REFRESH_LEAD_MS - 1);
    expect(api.refresh).toHaveBeenCalledTimes(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(api.refresh).toHaveBeenCalledTimes(2);
    expect(session.accessToken).toBe('a2');

    // and again for the new token
    await vi.advanceTimersByTimeAsync(900_000 - REFRESH_LEAD_MS);
    expect(api.refresh).toHaveBeenCalledTimes(3);
  });

  it('refreshes half-way through a token that lives less than two minutes', async () => {
    const api = transport(async () => ({ accessToken: 'short', expiresIn: 60 }));
    const session = track(new AuthSession(api));
    await session.start();
    await vi.advanceTimersByTimeAsync(29_999);
    expect(api.refresh).toHaveBeenCalledTimes(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(api.refresh).toHaveBeenCalledTimes(2);
  });

  it('runs one refresh at a time in a tab, however many callers ask', async () => {
    const pending = deferred<AccessGrant>();
    const api = transport(() => pending.promise);
    const session = track(new AuthSession(api));
    const all = Promise.all([session.refresh(), session.refresh(), session.refresh()]);
    pending.resolve({ accessToken: 'once', expiresIn: 900 });
    expect(await all).toEqual(['once', 'once', 'once']);
    expect(api.refresh).toHaveBeenCalledTimes(1);
  });

  it('refreshes on its own when the browser has no Web Locks', async () => {
    const api = transport(async () => ({ accessToken: 'plain', expiresIn: 900 }));
    const session = track(new AuthSession(api, { locks: null, channel: null }));
    await expect(session.refresh()).resolves.toBe('plain');
    expect(session.status).toBe('signedIn');
  });

  it('keeps the session and tries again later when a refresh gets no answer', async () => {
    let fail = false;
    const api = transport(async () => {
      if (fail) throw new ApiError({ status: 503, code: 'SERVICE_UNAVAILABLE', message: 'down' });
      return { accessToken: 'a', expiresIn: 900 };
    });
    const session = track(new AuthSession(api));
    await session.start();
    fail = true;
    await vi.advanceTimersByTimeAsync(900_000 - REFRESH_LEAD_MS);
    expect(api.refresh).toHaveBeenCalledTimes(2);
    expect(session.status).toBe('signedIn');
    fail = false;
    await vi.advanceTimersByTimeAsync(REFRESH_RETRY_MS);
    expect(api.refresh).toHaveBeenCalledTimes(3);
    expect(session.status).toBe('signedIn');
  });

  describe('across tabs', () => {
    it('a tab adopts the token another tab refreshed and reschedules its own refresh', async () => {
      const hub = new FakeChannelHub();
      const locks = new FakeLocks();
      let n = 0;
      const tabA = transport(async () => ({ accessToken: `a${++n}`, expiresIn: 900 }));
      const tabB = transport(async () => ({ accessToken: `b${++n}`, expiresIn: 900 }));
      const a = track(new AuthSession(tabA, { locks, channel: hub.join() }));
      const b = track(new AuthSession(tabB, { locks, channel: hub.join() }));

      await a.start(); // a1, broadcast
      await flush();
      expect(b.snapshot()).toMatchObject({ status: 'signedIn', accessToken: 'a1' });

      // 10 minutes later, A refreshes early (e.g. after a 401): B adopts that token too
      await vi.advanceTimersByTimeAsync(600_000);
      await a.refresh();
      await flush();
      expect(b.accessToken).toBe('a2');

      // B's refresh is now due 14 minutes after the new token, not after the first one
      await vi.advanceTimersByTimeAsync(900_000 - REFRESH_LEAD_MS - 600_000);
      expect(tabB.refresh).not.toHaveBeenCalled();
      await vi.advanceTimersByTimeAsync(600_000);
      // both were due at the same moment: one of them spent the cookie, the other adopted
      expect(tabA.refresh.mock.calls.length + tabB.refresh.mock.calls.length).toBe(3);
      expect(a.accessToken).toBe(b.accessToken);
    });

    it('a tab that waited for the lock uses the token the other tab just got instead of refreshing again', async () => {
      const hub = new FakeChannelHub();
      const locks = new FakeLocks();
      const inA = deferred<AccessGrant>();
      const tabA = transport(() => inA.promise);
      const tabB = transport(async () => ({ accessToken: 'b-should-not-be-used', expiresIn: 900 }));
      const a = track(new AuthSession(tabA, { locks, channel: hub.join() }));
      const b = track(new AuthSession(tabB, { locks, channel: hub.join() }));

      // page load in two tabs at once: A holds the lock, B waits
      const loads = Promise.all([a.start(), b.start()]);
      await flush();
      expect(tabA.refresh).toHaveBeenCalledTimes(1);
      expect(tabB.refresh).not.toHaveBeenCalled();

      inA.resolve({ accessToken: 'from-a', expiresIn: 900 });
      await loads;
      expect(tabB.refresh).not.toHaveBeenCalled();
      expect(b.snapshot()).toMatchObject({ status: 'signedIn', accessToken: 'from-a' });
    });

    it('a refresh refused because the token was reused signs every tab out', async () => {
      const hub = new FakeChannelHub();
      const locks = new FakeLocks();
      let reused = false;
      const tabA = transport(async () => {
        if (reused) throw unauthorized();
        return { accessToken: 'a1', expiresIn: 900 };
      });
      const a = track(new AuthSession(tabA, { locks, channel: hub.join() }));
      const b = track(new AuthSession(transport(async () => Promise.reject(unauthorized())), { locks, channel: hub.join() }));
      await a.start();
      await flush();
      expect(b.status).toBe('signedIn');

      reused = true;
      await expect(a.refresh()).resolves.toBeNull();
      await flush();
      expect(a.snapshot()).toMatchObject({ status: 'signedOut', reason: 'expired' });
      expect(b.snapshot()).toMatchObject({ status: 'signedOut', reason: 'expired' });
    });

    it('a page load without a session does not sign the other tabs out', async () => {
      const hub = new FakeChannelHub();
      const locks = new FakeLocks();
      const a = track(new AuthSession(transport(async () => ({ accessToken: 'a1', expiresIn: 900 })), { locks, channel: hub.join() }));
      await a.start();
      const late = track(new AuthSession(transport(async () => Promise.reject(unauthorized())), { locks, channel: hub.join() }));
      await late.refresh();
      await flush();
      expect(late.status).toBe('signedOut');
      expect(a.status).toBe('signedIn');
    });

    it('signing out in one tab ends the session on the server once and signs out the other tabs', async () => {
      const hub = new FakeChannelHub();
      const tabA = transport(async () => ({ accessToken: 'a1', expiresIn: 900 }));
      const tabB = transport(async () => ({ accessToken: 'unused', expiresIn: 900 }));
      const a = track(new AuthSession(tabA, { channel: hub.join() }));
      const b = track(new AuthSession(tabB, { channel: hub.join() }));
      await a.start();
      await flush();

      await b.signOut();
      await flush();
      expect(tabB.signOut).toHaveBeenCalledTimes(1);
      expect(tabA.signOut).not.toHaveBeenCalled();
      expect(b.snapshot()).toMatchObject({ status: 'signedOut', reason: 'user' });
      expect(a.snapshot()).toMatchObject({ status: 'signedOut', reason: 'elsewhere' });

      // and nothing is refreshed any more
      await vi.advanceTimersByTimeAsync(3_600_000);
      expect(tabA.refresh).toHaveBeenCalledTimes(1);
    });

    it('a tab on the sign-in page is signed in when another tab signs in', async () => {
      const hub = new FakeChannelHub();
      const tabA = transport(async () => Promise.reject(unauthorized()));
      const a = track(new AuthSession(tabA, { channel: hub.join() }));
      const b = track(new AuthSession(transport(async () => Promise.reject(unauthorized())), { channel: hub.join() }));
      await Promise.all([a.start(), b.start()]);
      await b.signIn('ada@example.com', 'correct horse');
      await flush();
      expect(a.snapshot()).toMatchObject({ status: 'signedIn', accessToken: 'signed-in' });
    });

    it('ignores a token that has already expired and messages it does not know', async () => {
      const hub = new FakeChannelHub();
      const other = hub.join();
      const a = track(new AuthSession(transport(async () => Promise.reject(unauthorized())), { channel: hub.join() }));
      await a.start();
      other.postMessage({ type: 'token', accessToken: 'old', expiresAt: Date.now() - 1 });
      other.postMessage({ type: 'something-else' });
      other.postMessage('junk');
      await flush();
      expect(a.status).toBe('signedOut');
    });
  });

  describe('after a 401 from the API', () => {
    it('refreshes once and hands the new token to the request to retry', async () => {
      let n = 0;
      const api = transport(async () => ({ accessToken: `a${++n}`, expiresIn: 900 }));
      const session = track(new AuthSession(api));
      await session.start();
      const [first, second] = await Promise.all([
        session.recoverFromUnauthorized('a1'),
        session.recoverFromUnauthorized('a1'),
      ]);
      expect([first, second]).toEqual(['a2', 'a2']);
      expect(api.refresh).toHaveBeenCalledTimes(2);
    });

    it('uses the current token without refreshing when the refused one was already replaced', async () => {
      let n = 0;
      const api = transport(async () => ({ accessToken: `a${++n}`, expiresIn: 900 }));
      const session = track(new AuthSession(api));
      await session.start();
      await session.refresh();
      await expect(session.recoverFromUnauthorized('a1')).resolves.toBe('a2');
      expect(api.refresh).toHaveBeenCalledTimes(2);
    });

    it('goes to sign-in when the refresh is refused', async () => {
      let refused = false;
      const api = transport(async () => {
        if (refused) throw unauthorized();
        return { accessToken: 'a1', expiresIn: 900 };
      });
      const session = track(new AuthSession(api));
      await session.start();
      refused = true;
      await expect(session.recoverFromUnauthorized('a1')).resolves.toBeNull();
      expect(session.snapshot()).toMatchObject({ status: 'signedOut', reason: 'expired' });
    });

    it('goes to sign-in when the retried request is refused as well', async () => {
      const session = track(new AuthSession(transport(async () => ({ accessToken: 'a1', expiresIn: 900 }))));
      await session.start();
      session.rejectedAfterRefresh();
      expect(session.snapshot()).toMatchObject({ status: 'signedOut', reason: 'expired' });
    });

    it('does not refresh for a tab that is signed out', async () => {
      const api = transport(async () => Promise.reject(unauthorized()));
      const session = track(new AuthSession(api));
      await session.start();
      await expect(session.recoverFromUnauthorized(null)).resolves.toBeNull();
      expect(api.refresh).toHaveBeenCalledTimes(1);
    });
  });

  it('reads the subject of a JWT to tell users apart, and nothing from a token that is not one', () => {
    const payload = btoa(JSON.stringify({ sub: 'user-1', roles: ['admin'] }))
      .replace(/\+/g, '-')
      .replace(/\//g, '_')
      .replace(/=+$/, '');
    expect(tokenSubject(`header.${payload}.signature`)).toBe('user-1');
    expect(tokenSubject('opaque')).toBeNull();
    expect(tokenSubject('a.%%%.c')).toBeNull();
  });
});
