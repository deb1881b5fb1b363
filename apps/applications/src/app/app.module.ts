import { Module } from '@nestjs/common';
import { RpcIdentityModule } from '@site11/auth';
import { AppConfigModule } from '@site11/config';
import { PlatformModule } from '@site11/platform';
import { PersistenceModule } from '@site11/persistence';
import { migrations } from '../migrations';
import { ApplicationsConfig } from './applications.config';
import { ApplicationsModule } from './applications/applications.module';
// <nx-plugin:resource-module-imports>

@Module({
  imports: [
    AppConfigModule.forRoot(ApplicationsConfig),
    PlatformModule.forApp({
      name: 'applications',
      config: ApplicationsConfig,
      healthPort: (config) => config.HEALTH_PORT,
      mongoose: true,
      servesMessages: true,
    }),
    PersistenceModule.forService(ApplicationsConfig, (config) => config.APPLICATIONS_DB_NAME, { migrations }),
    // every handler checks the credential of its caller (@RpcAccess)
    RpcIdentityModule.forService('applications', ApplicationsConfig),
    ApplicationsModule,
    // <nx-plugin:resource-modules>
  ],
})
export class AppModule {}
