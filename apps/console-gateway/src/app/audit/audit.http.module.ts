import { Module } from '@nestjs/common';
import { AuditHttpController } from './audit.http.controller';
// <nx-plugin:controller-imports>

/** REST routes of the audit service, under /api/v1/audit. */
@Module({
  controllers: [
    AuditHttpController,
    // <nx-plugin:controllers>
  ],
})
export class AuditHttpModule {}
