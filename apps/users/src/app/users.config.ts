import { ServiceConfig } from '@site11/config';
import { Matches } from 'class-validator';

export class UsersConfig extends ServiceConfig {
  @Matches(/^[A-Za-z0-9_-]{1,63}$/, { message: 'USERS_DB_NAME must be 1-63 letters, digits, _ or -' })
  USERS_DB_NAME = 'users_db';

  override HEALTH_PORT = 3101;
}
