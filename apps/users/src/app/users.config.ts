import { ServiceConfig } from '@site11/config';
import { IsEmail, IsOptional, Length, Matches } from 'class-validator';

export class UsersConfig extends ServiceConfig {
  @Matches(/^[A-Za-z0-9_-]{1,63}$/, { message: 'USERS_DB_NAME must be 1-63 letters, digits, _ or -' })
  USERS_DB_NAME = 'users_db';

  override HEALTH_PORT = 3101;

  /** With ADMIN_PASSWORD: the first admin, created (or promoted) at start, idempotently. */
  @IsOptional()
  @IsEmail()
  ADMIN_EMAIL?: string = undefined;

  @IsOptional()
  @Length(8, 128)
  ADMIN_PASSWORD?: string = undefined;
}
