import { Module } from '@nestjs/common';
import { RpcIdentityModule } from '@site11/auth';
import { AppConfigModule } from '@site11/config';
import { PlatformModule } from '@site11/platform';
import { PersistenceModule } from '@site11/persistence';
import { migrations } from '../migrations';
import { StatisticsConfig } from './statistics.config';
import { ReportsModule } from './reports/reports.module';
// <nx-plugin:resource-module-imports>

@Module({
  imports: [
    AppConfigModule.forRoot(StatisticsConfig),
    PlatformModule.forApp({
      name: 'statistics',
      config: StatisticsConfig,
      healthPort: (config) => config.HEALTH_PORT,
      mongoose: true,
      servesMessages: true,
    }),
    PersistenceModule.forService(StatisticsConfig, (config) => config.STATISTICS_DB_NAME, { migrations }),
    // every handler checks the credential of its caller (@RpcAccess)
    RpcIdentityModule.forService('statistics', StatisticsConfig),
    ReportsModule,
    // <nx-plugin:resource-modules>
  ],
})
export class AppModule {}
