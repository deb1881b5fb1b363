import { ServiceConfig } from '@site11/config';
import { IsInt, Matches, Max, Min } from 'class-validator';

export class ApplicationsConfig extends ServiceConfig {
  @Matches(/^[A-Za-z0-9_-]{1,63}$/, { message: 'APPLICATIONS_DB_NAME must be 1-63 letters, digits, _ or -' })
  APPLICATIONS_DB_NAME = 'applications_db';

  override HEALTH_PORT = 3103;

  /**
   * After a client secret is rotated, the previous one keeps working this long (seconds), so a
   * deployment can roll the new one out without downtime. 0 ends it at once (a leaked secret).
   */
  @IsInt()
  @Min(0)
  @Max(30 * 24 * 3600)
  CLIENT_SECRET_GRACE_SECONDS: number = 24 * 3600;
}
