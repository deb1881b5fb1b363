import { ServiceConfig } from '@site11/config';
import { Matches } from 'class-validator';

export class ApplicationsConfig extends ServiceConfig {
  @Matches(/^[A-Za-z0-9_-]{1,63}$/, { message: 'APPLICATIONS_DB_NAME must be 1-63 letters, digits, _ or -' })
  APPLICATIONS_DB_NAME = 'applications_db';

  override HEALTH_PORT = 3103;
}
