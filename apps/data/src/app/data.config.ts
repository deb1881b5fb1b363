import { ServiceConfig } from '@site11/config';
import { Matches } from 'class-validator';

export class DataConfig extends ServiceConfig {
  @Matches(/^[A-Za-z0-9_-]{1,63}$/, { message: 'DATA_DB_NAME must be 1-63 letters, digits, _ or -' })
  DATA_DB_NAME = 'data_db';

  override HEALTH_PORT = 3105;
}
