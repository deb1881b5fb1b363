import type { AuthMethodReference, UserRole } from '@site11/contracts';

/** What the gateway knows about the caller once the access token is verified. */
export interface AuthUser {
  sub: string;
  roles: UserRole[];
  /** Token id, for the denylist. */
  jti: string;
  /** Session (refresh-token family) the token was issued for. */
  sid: string;
  /** Expiry, epoch seconds. */
  exp: number;
  /** Set when a third-party application calls for the user (OAuth): its client id, and the scopes it holds. */
  clientId?: string;
  scopes?: string[];
  /** How the session signed in: `pwd`, and `otp` after a second factor. */
  amr?: AuthMethodReference[];
  /** Roles the user has but this token does not carry until it signs in with a second factor. */
  withheldRoles?: UserRole[];
}
