/** Error codes of authentication and authorization, wherever they are checked (`AUTH.<REASON>`). */
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
  /** A console session route was called without `X-Site11-Console: 1` (CSRF defence). */
  consoleHeaderRequired: 'AUTH.CONSOLE_HEADER_REQUIRED',
  /** The user has no grant to this application. */
  grantNotFound: 'AUTH.GRANT_NOT_FOUND',
  /** A third-party application's token lacks a scope the route needs (or the route takes none). */
  insufficientScope: 'AUTH.INSUFFICIENT_SCOPE',
} as const;
