import { Module } from '@nestjs/common';
import { RpcIdentityModule } from '@site11/auth';
import { AppConfigModule } from '@site11/config';
import { PlatformModule } from '@site11/platform';
import { PersistenceModule } from '@site11/persistence';
import { migrations } from '../migrations';
import { ImagesConfig } from './images.config';
import { ImagesModule } from './images/images.module';
// <nx-plugin:resource-module-imports>

@Module({
  imports: [
    AppConfigModule.forRoot(ImagesConfig),
    PlatformModule.forApp({
      name: 'images',
      config: ImagesConfig,
      healthPort: (config) => config.HEALTH_PORT,
      mongoose: true,
      servesMessages: true,
    }),
    PersistenceModule.forService(ImagesConfig, (config) => config.IMAGES_DB_NAME, { migrations }),
    // every handler checks the credential of its caller (@RpcAccess)
    RpcIdentityModule.forService('images', ImagesConfig),
    ImagesModule,
    // <nx-plugin:resource-modules>
  ],
})
export class AppModule {}
