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
} as const;
