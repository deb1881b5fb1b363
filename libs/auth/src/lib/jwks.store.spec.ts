import type { JsonWebKeySet } from '@site11/contracts';
import { generateKeyPairSync } from 'node:crypto';
import { JwksStore } from './jwks.store';

function jwk(kid: string) {
  const { publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return { ...(publicKey.export({ format: 'jwk' }) as Record<string, unknown>), kid, kty: 'RSA', alg: 'RS256', use: 'sig' };
}

describe('JwksStore', () => {
  const first = jwk('k1');
  const second = jwk('k2');

  it('fetches once for concurrent lookups and serves keys as PEM', async () => {
    const loadJwks = jest.fn(async (): Promise<JsonWebKeySet> => ({ keys: [first] }));
    const store = new JwksStore({ issuer: 'i', audience: 'a', loadJwks });

    const [a, b] = await Promise.all([store.keyFor('k1'), store.keyFor('k1')]);
    expect(a).toContain('BEGIN PUBLIC KEY');
    expect(b).toBe(a);
    expect(loadJwks).toHaveBeenCalledTimes(1);
  });

  it('keeps the same parsed key across refreshes while the authority publishes it unchanged', async () => {
    const loadJwks = jest
      .fn<Promise<JsonWebKeySet>, []>()
      .mockResolvedValueOnce({ keys: [first] })
      .mockResolvedValueOnce({ keys: [first, second] });
    const store = new JwksStore({ issuer: 'i', audience: 'a', loadJwks });

    const before = await store.keyObjectFor('k1');
    await store.keyObjectFor('k2'); // an unknown kid: a refresh
    expect(loadJwks).toHaveBeenCalledTimes(2);
    // the token memos compare keys by identity: a refresh must not void them
    expect(await store.keyObjectFor('k1')).toBe(before);
  });

  it('fetches again for an unknown kid, so a rotated-in key is found', async () => {
    const loadJwks = jest
      .fn<Promise<JsonWebKeySet>, []>()
      .mockResolvedValueOnce({ keys: [first] })
      .mockResolvedValueOnce({ keys: [first, second] });
    const store = new JwksStore({ issuer: 'i', audience: 'a', loadJwks });

    await store.keyFor('k1');
    await expect(store.keyFor('k2')).resolves.toContain('BEGIN PUBLIC KEY');
    expect(loadJwks).toHaveBeenCalledTimes(2);
  });

  it('answers null for a kid the authority does not publish', async () => {
    const store = new JwksStore({ issuer: 'i', audience: 'a', loadJwks: async () => ({ keys: [first] }) });
    await expect(store.keyFor('forged')).resolves.toBeNull();
  });

  it('keeps the keys it has when a later fetch fails', async () => {
    const loadJwks = jest
      .fn<Promise<JsonWebKeySet>, []>()
      .mockResolvedValueOnce({ keys: [first] })
      .mockRejectedValue(new Error('oauth down'));
    const store = new JwksStore({ issuer: 'i', audience: 'a', loadJwks, jwksCacheMs: 0 });

    await store.keyFor('k1');
    await expect(store.keyFor('k1')).resolves.toContain('BEGIN PUBLIC KEY');
  });
});

describe('JwksStore while the authority is down', () => {
  const key = jwk('k1');

  it('does not make every request wait on a failing fetch: one try, then the cached keys for a while', async () => {
    const loadJwks = jest
      .fn<Promise<JsonWebKeySet>, []>()
      .mockResolvedValueOnce({ keys: [key] })
      .mockImplementation(() => new Promise((_, reject) => setTimeout(() => reject(new Error('oauth is down')), 200)));
    const store = new JwksStore({ issuer: 'i', audience: 'a', loadJwks, jwksCacheMs: 0 });
    await store.keyFor('k1');
    await new Promise((resolve) => setTimeout(resolve, 5));

    await expect(store.keyFor('k1')).resolves.toContain('BEGIN PUBLIC KEY'); // stale: one fetch, fails, keys kept
    for (let i = 0; i < 10; i++) await expect(store.keyFor('k1')).resolves.toContain('BEGIN PUBLIC KEY');
    expect(await store.keyFor('unknown-kid')).toBeNull();
    expect(loadJwks).toHaveBeenCalledTimes(2);
  });

  it('refuses at once, without fetching again, when it has no keys and the last fetch just failed', async () => {
    const loadJwks = jest.fn(() => Promise.reject(new Error('oauth is down')));
    const store = new JwksStore({ issuer: 'i', audience: 'a', loadJwks });
    await expect(store.keyFor('k1')).rejects.toThrow('oauth is down');
    await expect(store.keyFor('k1')).rejects.toThrow('oauth is down');
    expect(loadJwks).toHaveBeenCalledTimes(1);
  });
});
