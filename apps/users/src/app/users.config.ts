import { ServiceConfig } from '@site11/config';
import { IsEmail, IsString, Length, Matches, ValidateIf } from 'class-validator';

export class UsersConfig extends ServiceConfig {
  @Matches(/^[A-Za-z0-9_-]{1,63}$/, { message: 'USERS_DB_NAME must be 1-63 letters, digits, _ or -' })
  USERS_DB_NAME = 'users_db';

  override HEALTH_PORT = 3101;

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
