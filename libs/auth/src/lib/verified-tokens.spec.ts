import { generateKeyPairSync } from 'node:crypto';
import { VerifiedTokens } from './verified-tokens';

const { publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const entry = (exp: number, nbf?: number) => ({ payload: { sub: 'u', exp, ...(nbf ? { nbf } : {}) }, typ: 'at+jwt', kid: 'k1', key: publicKey });

describe('VerifiedTokens', () => {
  const now = 1_800_000_000_000;

  it('returns a token verified before while it is unexpired', () => {
    const tokens = new VerifiedTokens(10, 0);
    tokens.set('t1', entry(now / 1000 + 60));
    expect(tokens.get('t1', now)?.kid).toBe('k1');
  });

  it('forgets a token once it expired, beyond the clock tolerance', () => {
    const tokens = new VerifiedTokens(10, 30);
    tokens.set('t1', entry(now / 1000 - 10));
    expect(tokens.get('t1', now)).toBeDefined(); // within the 30 s tolerance
    expect(tokens.get('t1', now + 25_000)).toBeUndefined();
    expect(tokens.size).toBe(0);
  });

  it('does not return a token before its not-before time', () => {
    const tokens = new VerifiedTokens(10, 0);
    tokens.set('t1', entry(now / 1000 + 600, now / 1000 + 60));
    expect(tokens.get('t1', now)).toBeUndefined();
  });

  it('keeps at most its bound, dropping the oldest entry first', () => {
    const tokens = new VerifiedTokens(2, 0);
    tokens.set('a', entry(now / 1000 + 60));
    tokens.set('b', entry(now / 1000 + 60));
    tokens.set('c', entry(now / 1000 + 60));
    expect(tokens.size).toBe(2);
    expect(tokens.get('a', now)).toBeUndefined();
    expect(tokens.get('c', now)).toBeDefined();
  });

  it('never matches a token that differs by one character', () => {
    const tokens = new VerifiedTokens(10, 0);
    tokens.set('header.payload.signature', entry(now / 1000 + 60));
    expect(tokens.get('header.payload.signaturf', now)).toBeUndefined();
  });
});
