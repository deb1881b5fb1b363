import { EnvBoolean, SealingServiceConfig } from '@site11/config';
import { IsBoolean, IsInt, Matches, Max, Min } from 'class-validator';

/** No access token lives longer, whatever the configuration was when it was issued. */
export const ACCESS_TOKEN_TTL_MAX_SECONDS = 900;

export class OAuthConfig extends SealingServiceConfig {
  @Matches(/^[A-Za-z0-9_-]{1,63}$/, { message: 'OAUTH_DB_NAME must be 1-63 letters, digits, _ or -' })
  OAUTH_DB_NAME = 'oauth_db';

  override HEALTH_PORT = 3102;

  /** Lifetime of access tokens; at most 15 minutes. */
  @IsInt()
  @Min(30)
  @Max(ACCESS_TOKEN_TTL_MAX_SECONDS)
  ACCESS_TOKEN_TTL_SECONDS: number = 900;

  /** Absolute lifetime of a session: refresh tokens rotate, but never past this. */
  @IsInt()
  @Min(300)
  @Max(90 * 24 * 3600)
  REFRESH_TOKEN_TTL_SECONDS: number = 30 * 24 * 3600;

  /** A signing key older than this is rotated automatically. */
  @IsInt()
  @Min(1)
  @Max(365)
  KEY_ROTATION_DAYS: number = 30;

  /**
   * Whether an account must have verified its email before it can sign in (docs/security.md,
   * "Email verification"). Off by default: a new account can sign in at once and is reminded.
   */
  @EnvBoolean()
  @IsBoolean({ message: 'REQUIRE_VERIFIED_EMAIL must be true or false' })
  REQUIRE_VERIFIED_EMAIL: boolean = false;

  /**
   * Admin powers need a session signed in with a second factor: other sessions of an admin get
   * tokens without the `admin` role (`withheldRoles: ['admin']`), so the gateway and every
   * service treat them as users, and admin routes answer 403 AUTH.MFA_REQUIRED (docs/security.md).
   */
  @EnvBoolean()
  @IsBoolean({ message: 'MFA_REQUIRED_FOR_ADMINS must be true or false' })
  MFA_REQUIRED_FOR_ADMINS: boolean = false;
}
