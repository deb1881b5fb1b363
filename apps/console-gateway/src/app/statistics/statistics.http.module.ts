import { Module } from '@nestjs/common';
import { ReportsHttpController } from './reports.http.controller';
import { StatisticsHttpController } from './statistics.http.controller';
// <nx-plugin:controller-imports>

/** REST routes of the statistics service, under /api/v1/statistics. */
@Module({
  controllers: [
    ReportsHttpController,
    StatisticsHttpController,
    // <nx-plugin:controllers>
  ],
})
export class StatisticsHttpModule {}
