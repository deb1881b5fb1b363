import { randomBytes } from 'node:crypto';
import { parseKeyEncryptionKey, SecretKeyring, SecretUnavailableError } from './sealed-secret';

const kek = () => randomBytes(32).toString('base64');

describe('SecretKeyring', () => {
  it('seals a secret that only the same key and record open', () => {
    const ring = SecretKeyring.fromConfig(kek());
    const sealed = ring.seal('{"d":"private"}', 'signing_keys:a');
    expect(sealed.alg).toBe('A256GCM');
    expect(JSON.stringify(sealed)).not.toContain('private');
    expect(ring.open(sealed, 'signing_keys:a').toString()).toBe('{"d":"private"}');
    expect(() => ring.open(sealed, 'signing_keys:b')).toThrow(SecretUnavailableError);
    expect(() => SecretKeyring.fromConfig(kek()).open(sealed, 'signing_keys:a')).toThrow(/not configured/);
  });

  it('never seals the same secret to the same ciphertext twice', () => {
    const ring = SecretKeyring.fromConfig(kek());
    expect(ring.seal('x', 'r').ct === ring.seal('x', 'r').ct && ring.seal('x', 'r').iv === ring.seal('x', 'r').iv).toBe(false);
  });

  it('refuses a tampered ciphertext', () => {
    const ring = SecretKeyring.fromConfig(kek());
    const sealed = ring.seal('secret value', 'r');
    const flipped = Buffer.from(sealed.ct, 'base64url');
    flipped[0] ^= 1;
    expect(() => ring.open({ ...sealed, ct: flipped.toString('base64url') }, 'r')).toThrow(/failed authentication/);
    const truncated = Buffer.from(sealed.tag, 'base64url').subarray(0, 4).toString('base64url');
    expect(() => ring.open({ ...sealed, tag: truncated }, 'r')).toThrow(/failed authentication/);
  });

  it('opens secrets sealed under a previous key and marks them for resealing', () => {
    const old = kek();
    const sealed = SecretKeyring.fromConfig(old).seal('s', 'r');
    const ring = SecretKeyring.fromConfig(kek(), `${old}`);
    expect(ring.open(sealed, 'r').toString()).toBe('s');
    expect(ring.isStale(sealed)).toBe(true);
    expect(ring.isStale(ring.seal('s', 'r'))).toBe(false);
  });

  it('accepts base64url keys and refuses keys of the wrong length without echoing them', () => {
    expect(parseKeyEncryptionKey(randomBytes(32).toString('base64url'))).toHaveLength(32);
    const short = randomBytes(16).toString('base64');
    expect(() => parseKeyEncryptionKey(short)).toThrow(/32 random bytes/);
    try {
      parseKeyEncryptionKey(short);
    } catch (error) {
      expect(String(error)).not.toContain(short);
    }
  });
});
