import type { AccessTokenClaims } from '@site11/contracts';

/**
 * The claims of a JWT, read from its payload without verifying anything: for tests that need the
 * subject or session of a token the stack has just issued to them.
 */
export function claimsOf<Claims = AccessTokenClaims>(token: string): Claims {
  const payload = token.split('.')[1];
  if (payload === undefined) throw new Error('not a JWT: it has no payload');
  return JSON.parse(Buffer.from(payload, 'base64url').toString()) as Claims;
}
