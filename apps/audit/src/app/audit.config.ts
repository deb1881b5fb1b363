import { ServiceConfig } from '@site11/config';
import { Matches } from 'class-validator';

export class AuditConfig extends ServiceConfig {
  @Matches(/^[A-Za-z0-9_-]{1,63}$/, { message: 'AUDIT_DB_NAME must be 1-63 letters, digits, _ or -' })
  AUDIT_DB_NAME = 'audit_db';

  override HEALTH_PORT = 3107;
}
