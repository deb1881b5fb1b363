import { ServiceConfig } from '@site11/config';
import { Matches } from 'class-validator';

export class StatisticsConfig extends ServiceConfig {
  @Matches(/^[A-Za-z0-9_-]{1,63}$/, { message: 'STATISTICS_DB_NAME must be 1-63 letters, digits, _ or -' })
  STATISTICS_DB_NAME = 'statistics_db';

  override HEALTH_PORT = 3106;
}
