/** Message patterns served by the oauth service, the platform's token authority. */
export const OAuthPatterns = {
  register: 'oauth.register',
  login: 'oauth.login',
  /** The second step of a login to an account with two-factor authentication. */
  loginMfa: 'oauth.login-mfa',
  /** A password set from a reset link; every session of the account ends. */
  confirmPasswordReset: 'oauth.confirm-password-reset',
  /** The caller deletes their own account (password and second factor); their sessions end at once. */
  deleteAccount: 'oauth.delete-account',
  refresh: 'oauth.refresh',
  logout: 'oauth.logout',
  logoutAll: 'oauth.logout-all',
  changePassword: 'oauth.change-password',
  listSessions: 'oauth.list-sessions',
  revokeSession: 'oauth.revoke-session',
  jwks: 'oauth.jwks',
  rotateKeys: 'oauth.rotate-keys',
  withdrawKey: 'oauth.withdraw-key',
  // OAuth 2.1 / OpenID Connect for third-party applications (the gateway's /oauth2 routes)
  authorize: 'oauth.authorize',
  authorizeLogin: 'oauth.authorize-login',
  authorizeLoginMfa: 'oauth.authorize-login-mfa',
  authorizeConsent: 'oauth.authorize-consent',
  token: 'oauth.token',
  userinfo: 'oauth.userinfo',
  revokeToken: 'oauth.revoke-token',
  introspect: 'oauth.introspect',
  endSession: 'oauth.end-session',
  listGrants: 'oauth.list-grants',
  revokeGrant: 'oauth.revoke-grant',
} as const;

/** Facts the oauth service publishes (see events.ts). */
export const OAuthEvents = {
  grantCreated: 'oauth.grant.created',
  grantRevoked: 'oauth.grant.revoked',
  loginSucceeded: 'oauth.login.succeeded',
  loginFailed: 'oauth.login.failed',
} as const;

/** How a sign-in was made: the console's login route, or the authorization server's login page. */
export type LoginMethod = 'password' | 'authorization-page';

/**
 * How the session's user proved who they are (RFC 8176 `amr` values), carried in its access
 * tokens: `pwd`, and `otp` too when a TOTP or recovery code completed the login.
 */
export type AuthMethodReference = 'pwd' | 'otp';

/** A user signed in with their password. */
export interface LoginSucceededEvent {
  userId: string;
  method: LoginMethod;
  /** The application the authorization page signed in for; absent for the console. */
  clientId?: string;
}

/**
 * A sign-in was refused for wrong credentials. It names no account and no address: a wrong
 * address is not an account, and a failure must not tell who was tried.
 */
export interface LoginFailedEvent {
  method: LoginMethod;
  reason: 'invalid-credentials';
  clientId?: string;
}

/** A user allowed an application (new scopes included). */
export interface GrantCreatedEvent {
  userId: string;
  clientId: string;
  scopes: string[];
}

/** A user's grant to an application ended: revoked by the user, or the application was deleted. */
export interface GrantRevokedEvent {
  userId: string;
  clientId: string;
  reason: 'revoked by user' | 'application deleted' | 'user deleted';
}
