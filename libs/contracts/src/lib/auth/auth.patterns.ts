/** Message patterns served by the oauth service, the platform's token authority. */
export const OAuthPatterns = {
  register: 'oauth.register',
  login: 'oauth.login',
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
