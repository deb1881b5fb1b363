import { Module } from '@nestjs/common';
import { RpcIdentityModule } from '@site11/auth';
import { AppConfigModule } from '@site11/config';
import { PlatformModule } from '@site11/platform';
import { PersistenceModule } from '@site11/persistence';
import { migrations } from '../migrations';
import { UsersConfig } from './users.config';
import { UsersModule } from './users/users.module';
// <nx-plugin:resource-module-imports>

@Module({
  imports: [
    AppConfigModule.forRoot(UsersConfig),
    PlatformModule.forApp({
      name: 'users',
      config: UsersConfig,
      healthPort: (config) => config.HEALTH_PORT,
      mongoose: true,
      servesMessages: true,
    }),
    // audit records on users.audit.recorded (docs/audit.md)
    PersistenceModule.forService(UsersConfig, (config) => config.USERS_DB_NAME, { migrations, audit: 'users' }),
    // every handler checks the credential of its caller (@RpcAccess)
    RpcIdentityModule.forService('users', UsersConfig),
    UsersModule,
    // <nx-plugin:resource-modules>
  ],
})
export class AppModule {}
