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
} as const;
