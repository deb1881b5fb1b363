import { ServiceConfig } from '@site11/config';
import { IsInt, IsOptional, Matches, Max, Min, ValidateIf } from 'class-validator';

/** No access token lives longer, whatever the configuration was when it was issued. */
export const ACCESS_TOKEN_TTL_MAX_SECONDS = 900;

/** 32 bytes in base64 (44 characters with padding) or base64url (43 without). */
const KEK_FORMAT = /^[A-Za-z0-9+/_-]{43}=?$/;
const KEK_MESSAGE = 'KEY_ENCRYPTION_KEY must be 32 random bytes in base64 (openssl rand -base64 32); required when NODE_ENV=production';

export class OAuthConfig extends ServiceConfig {
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
   * Seals private signing keys in oauth_db (AES-256-GCM): 32 random bytes in base64
   * (`openssl rand -base64 32`), from a secret store, never from the repository. Required in
   * production; elsewhere a missing key leaves private keys unsealed, with a warning.
   */
  @ValidateIf((config: OAuthConfig) => config.NODE_ENV === 'production' || config.KEY_ENCRYPTION_KEY !== undefined)
  @Matches(KEK_FORMAT, { message: KEK_MESSAGE })
  KEY_ENCRYPTION_KEY?: string = undefined;

  /** Earlier key-encryption keys, comma-separated: they still open, and keys they sealed are resealed at boot. */
  @IsOptional()
  @Matches(/^[A-Za-z0-9+/_-]{43}=?(,[A-Za-z0-9+/_-]{43}=?)*$/, { message: 'KEY_ENCRYPTION_KEYS_PREVIOUS must be base64 keys of 32 bytes, comma-separated' })
  KEY_ENCRYPTION_KEYS_PREVIOUS?: string = undefined;
}
