import { createHash } from 'node:crypto';

/** Field names whose values are credentials (passwords, secrets, tokens, one-time codes). */
export const CREDENTIAL_FIELD = /pass(word|phrase)?|secret|token|otp|credential/i;

/** A deep copy of `value` with the values of credential fields replaced by `[redacted]`. */
export function redactCredentials(value: unknown, field = ''): unknown {
  if (typeof value === 'string' && CREDENTIAL_FIELD.test(field)) return '[redacted]';
  if (Array.isArray(value)) return value.map((item) => redactCredentials(item, field));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, redactCredentials(item, key)]));
  }
  return value;
}

/**
 * A stream entry's `data` as it may be kept where operators read it: JSON with credentials
 * redacted, or, when it is not JSON, only its size and hash (it may hold anything).
 */
export function redactedData(data: string | undefined): string | undefined {
  if (data === undefined) return undefined;
  try {
    return JSON.stringify(redactCredentials(JSON.parse(data)));
  } catch {
    return `[not JSON: ${Buffer.byteLength(data)} bytes, sha256 ${createHash('sha256').update(data).digest('hex')}]`;
  }
}
