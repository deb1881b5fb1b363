import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';

/**
 * A secret as it is stored: AES-256-GCM under a key-encryption key (KEK) from configuration.
 * `kek` names the key (a hash prefix, never the key) so a keyring can tell which one opens it.
 */
export interface SealedSecret {
  alg: 'A256GCM';
  kek: string;
  /** base64url: 96-bit nonce, 128-bit tag, ciphertext. */
  iv: string;
  tag: string;
  ct: string;
}

export class SecretUnavailableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SecretUnavailableError';
  }
}

const KEY_BYTES = 32;

/** Parses a KEK given as base64 or base64url of exactly 32 bytes; throws naming the problem, never the value. */
export function parseKeyEncryptionKey(encoded: string): Buffer {
  const key = Buffer.from(encoded.trim().replace(/-/g, '+').replace(/_/g, '/'), 'base64');
  if (key.length !== KEY_BYTES || !/^[A-Za-z0-9+/_-]+={0,2}$/.test(encoded.trim())) {
    throw new Error(`a key-encryption key must be ${KEY_BYTES} random bytes in base64 (openssl rand -base64 32)`);
  }
  return key;
}

/** Public name of a KEK: enough to tell keys apart in stored records and logs, useless to an attacker. */
export function keyEncryptionKeyId(key: Buffer): string {
  return createHash('sha256').update('site11:kek:').update(key).digest('base64url').slice(0, 12);
}

/**
 * The keys that seal secrets at rest: the current one seals, it and the previous ones open, so
 * a KEK can be replaced without downtime (configure the new key, keep the old one as previous
 * until every record is resealed). `aad` binds a sealed value to its record (e.g. its id), so a
 * ciphertext copied onto another record does not open.
 */
export class SecretKeyring {
  private readonly keys = new Map<string, Buffer>();
  readonly currentId: string;

  constructor(
    private readonly current: Buffer,
    previous: Buffer[] = [],
  ) {
    this.currentId = keyEncryptionKeyId(current);
    for (const key of [current, ...previous]) this.keys.set(keyEncryptionKeyId(key), key);
  }

  /** Reads `KEY_ENCRYPTION_KEY` and a comma-separated list of previous keys. */
  static fromConfig(current: string, previous = ''): SecretKeyring {
    const older = previous
      .split(',')
      .map((value) => value.trim())
      .filter(Boolean)
      .map(parseKeyEncryptionKey);
    return new SecretKeyring(parseKeyEncryptionKey(current), older);
  }

  seal(plaintext: string | Buffer, aad: string): SealedSecret {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.current, iv);
    cipher.setAAD(Buffer.from(aad, 'utf8'));
    const ct = Buffer.concat([cipher.update(plaintext), cipher.final()]);
    return {
      alg: 'A256GCM',
      kek: this.currentId,
      iv: iv.toString('base64url'),
      tag: cipher.getAuthTag().toString('base64url'),
      ct: ct.toString('base64url'),
    };
  }

  open(sealed: SealedSecret, aad: string): Buffer {
    const key = this.keys.get(sealed.kek);
    if (!key) {
      throw new SecretUnavailableError(
        `sealed with key-encryption key ${sealed.kek}, which is not configured (current: ${this.currentId})`,
      );
    }
    try {
      // a full 128-bit tag only: a truncated one would make forgeries cheaper
      const tag = Buffer.from(sealed.tag, 'base64url');
      if (tag.length !== 16) throw new Error('truncated tag');
      const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(sealed.iv, 'base64url'), { authTagLength: 16 });
      decipher.setAAD(Buffer.from(aad, 'utf8'));
      decipher.setAuthTag(tag);
      return Buffer.concat([decipher.update(Buffer.from(sealed.ct, 'base64url')), decipher.final()]);
    } catch {
      throw new SecretUnavailableError(`a secret sealed with key-encryption key ${sealed.kek} failed authentication`);
    }
  }

  /** Sealed under an older key: open and seal again under the current one. */
  isStale(sealed: SealedSecret): boolean {
    return sealed.kek !== this.currentId;
  }
}
