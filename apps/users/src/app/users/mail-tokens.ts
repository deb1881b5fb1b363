import { MAIL_TOKEN_PATTERN } from '@site11/contracts';
import { createHash, randomBytes } from 'node:crypto';

export const sha256 = (value: string) => createHash('sha256').update(value).digest('hex');

/** How long a link works: a verification link a day, a reset link half an hour. */
export const VERIFICATION_TTL_MS = 24 * 3600_000;
export const PASSWORD_RESET_TTL_MS = 30 * 60_000;

/**
 * A single-use link token: `<account id>.<256 random bits>`. The id finds the account by its
 * primary key; only the hash of the whole token is stored, so a read of the database yields no
 * working link.
 */
export function mintMailToken(id: string): { token: string; hash: string } {
  const token = `${id}.${randomBytes(32).toString('base64url')}`;
  return { token, hash: sha256(token) };
}

/** The account a token names and the hash to compare, or null for what is not a token. */
export function readMailToken(token: string): { id: string; hash: string } | null {
  if (!MAIL_TOKEN_PATTERN.test(token)) return null;
  return { id: token.slice(0, 24), hash: sha256(token) };
}

const BASE32 = 'abcdefghijklmnopqrstuvwxyz234567';

/** A recovery code: 80 random bits as 16 base32 characters in groups of four (`abcd-efgh-ijkl-mnop`). */
export function newRecoveryCode(): string {
  const bytes = randomBytes(10);
  let bits = 0;
  let value = 0;
  let out = '';
  for (const byte of bytes) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += BASE32[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  return out.match(/.{4}/g)!.join('-');
}

/** The stored form of a recovery code: case and dashes as the user typed them do not matter. */
export const recoveryCodeHash = (code: string) => sha256(code.toLowerCase().replace(/-/g, ''));
