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
} as const;

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
