import { Module } from '@nestjs/common';
import { ApplicationsHttpController } from './applications.http.controller';
// <nx-plugin:controller-imports>

/** REST routes of the applications service, under /api/v1/applications. */
@Module({
  controllers: [
    ApplicationsHttpController,
    // <nx-plugin:controllers>
  ],
})
export class ApplicationsHttpModule {}
