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
  /** An admin route, with MFA_REQUIRED_FOR_ADMINS, by a session that did not sign in with a second factor. */
  mfaRequired: 'AUTH.MFA_REQUIRED',
  /** Unknown, expired, spent or exhausted `mfaToken` of a login waiting for its second factor. */
  invalidMfaToken: 'AUTH.INVALID_MFA_TOKEN',
  /** Wrong, replayed or expired TOTP code, or an unknown or used recovery code. */
  invalidMfaCode: 'AUTH.INVALID_MFA_CODE',
  /** TOTP setup or confirm on an account that already has it. */
  mfaAlreadyEnabled: 'AUTH.MFA_ALREADY_ENABLED',
  /** Disabling TOTP on an account without it. */
  mfaNotEnabled: 'AUTH.MFA_NOT_ENABLED',
  /** TOTP confirm without a setup first (or the setup is older than its 15 minutes). */
  mfaSetupRequired: 'AUTH.MFA_SETUP_REQUIRED',
  /** An email-verification link that is unknown, used, superseded by a newer one, or expired (24 h). */
  invalidVerificationToken: 'AUTH.INVALID_VERIFICATION_TOKEN',
  /** A password-reset link that is unknown, used, superseded by a newer one, or expired (30 min). */
  invalidResetToken: 'AUTH.INVALID_RESET_TOKEN',
  /** With REQUIRE_VERIFIED_EMAIL, a sign-in to an account whose email is not verified yet. */
  emailNotVerified: 'AUTH.EMAIL_NOT_VERIFIED',
} as const;
