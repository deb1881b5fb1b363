import { SealingServiceConfig } from '@site11/config';
import { WithMailConfig } from '@site11/mail';
import { IsEmail, IsIn, IsInt, IsString, Length, Matches, Max, Min, ValidateIf } from 'class-validator';

/**
 * The users service: its key-encryption key seals TOTP secrets (docs/security.md, "Two-factor
 * authentication"); its mail worker sends through SMTP_URL (docs/operations.md, "Mail").
 */
export class UsersConfig extends WithMailConfig(SealingServiceConfig) {
  @Matches(/^[A-Za-z0-9_-]{1,63}$/, { message: 'USERS_DB_NAME must be 1-63 letters, digits, _ or -' })
  USERS_DB_NAME = 'users_db';

  override HEALTH_PORT = 3101;

  /** The issuer authenticator apps show next to the account (the `issuer` of the otpauth URI). */
  @IsString()
  @Length(1, 60)
  MFA_ISSUER: string = 'site11';

  /**
   * A verification or reset link is mailed at most once in this long (ms) per account: a flood
   * of requests for one address neither fills its mailbox nor keeps replacing the link its owner
   * is about to open.
   */
  @IsInt()
  @Min(0)
  @Max(3_600_000)
  MAIL_LINK_RESEND_AFTER_MS: number = 60_000;

  /**
   * Where `q` searches are answered: `redis`, a prefix index in sorted sets kept by this service
   * (docs/users.md, "Search index"), or `database`, the email and name indexes of the
   * database (enough on MongoDB 7; FerretDB scans the collection for them).
   */
  @IsIn(['redis', 'database'], { message: 'USERS_SEARCH_INDEX must be redis or database' })
  USERS_SEARCH_INDEX: 'redis' | 'database' = 'redis';

  /**
   * When the search index is rebuilt from the database: `if-missing` (Redis lost it, or it was
   * never built), or `at-start` too (once per start of a replica, unless another replica rebuilt
   * it since; after users were written straight into the database, for instance).
   */
  @IsIn(['if-missing', 'at-start'], { message: 'USERS_SEARCH_REBUILD must be if-missing or at-start' })
  USERS_SEARCH_REBUILD: 'if-missing' | 'at-start' = 'if-missing';

  /** With ADMIN_PASSWORD: the first admin, created (or promoted) at start, idempotently.
   *  Either both are set or neither: one without the other stops the boot. */
  @ValidateIf((config: UsersConfig) => config.ADMIN_EMAIL !== undefined || config.ADMIN_PASSWORD !== undefined)
  @IsEmail({}, { message: 'ADMIN_EMAIL must be an email (required with ADMIN_PASSWORD)' })
  ADMIN_EMAIL?: string = undefined;

  @ValidateIf((config: UsersConfig) => config.ADMIN_EMAIL !== undefined || config.ADMIN_PASSWORD !== undefined)
  @IsString({ message: 'ADMIN_PASSWORD must be set with ADMIN_EMAIL' })
  @Length(8, 128)
  ADMIN_PASSWORD?: string = undefined;
}
