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

export const AuthErrors = {
  /** No bearer token on a protected route. */
  unauthenticated: 'AUTH.UNAUTHENTICATED',
  /** Malformed, forged, wrongly signed or wrongly addressed token. */
  invalidToken: 'AUTH.INVALID_TOKEN',
  tokenExpired: 'AUTH.TOKEN_EXPIRED',
  /** Token was valid but has been revoked (logout). */
  tokenRevoked: 'AUTH.TOKEN_REVOKED',
  /** Wrong email or password; deliberately the same for both. */
  invalidCredentials: 'AUTH.INVALID_CREDENTIALS',
  /** Unknown, expired, revoked or re-used refresh token. */
  invalidRefreshToken: 'AUTH.INVALID_REFRESH_TOKEN',
  forbidden: 'AUTH.FORBIDDEN',
  /** No open session of the caller has this id. */
  sessionNotFound: 'AUTH.SESSION_NOT_FOUND',
  /** No signing key has this id (withdrawn already, or never existed). */
  signingKeyNotFound: 'AUTH.SIGNING_KEY_NOT_FOUND',
  rateLimited: 'AUTH.RATE_LIMITED',
} as const;

/** `typ` of access tokens (RFC 9068): a JWT of any other type (an ID token, say) is not one. */
export const ACCESS_TOKEN_TYPE = 'at+jwt';

/**
 * `typ` of service tokens: minted by the authority for one app to call another as itself,
 * addressed (`aud`) to the receiving service, short-lived. Never accepted as an access token.
 */
export const SERVICE_TOKEN_TYPE = 'svc+jwt';

/** Public metadata key marking a route that needs no token (used by health, docs, login). */
export const PUBLIC_ROUTE = 'site11:public-route';
