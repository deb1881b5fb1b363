import { Module } from '@nestjs/common';
import { RpcIdentityModule } from '@site11/auth';
import { AppConfigModule } from '@site11/config';
import { PlatformModule } from '@site11/platform';
import { PersistenceModule } from '@site11/persistence';
import { migrations } from '../migrations';
import { DataConfig } from './data.config';
import { DatasetsModule } from './datasets/datasets.module';
// <nx-plugin:resource-module-imports>

@Module({
  imports: [
    AppConfigModule.forRoot(DataConfig),
    PlatformModule.forApp({
      name: 'data',
      config: DataConfig,
      healthPort: (config) => config.HEALTH_PORT,
      mongoose: true,
      servesMessages: true,
    }),
    PersistenceModule.forService(DataConfig, (config) => config.DATA_DB_NAME, { migrations }),
    // every handler checks the credential of its caller (@RpcAccess)
    RpcIdentityModule.forService('data', DataConfig),
    DatasetsModule,
    // <nx-plugin:resource-modules>
  ],
})
export class AppModule {}
