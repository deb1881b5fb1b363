import { Module } from '@nestjs/common';
import { AppConfigModule } from '@site11/config';
import { PlatformModule } from '@site11/messaging';
import { PersistenceModule } from '@site11/persistence';
import { UsersConfig } from './users.config';
import { UsersModule } from './users/users.module';

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
    PersistenceModule.forRootAsync({
      inject: [UsersConfig],
      useFactory: (config: UsersConfig) => ({
        uri: config.MONGODB_URI,
        dbName: config.USERS_DB_NAME,
        requireTestDatabase: config.NODE_ENV === 'test',
      }),
    }),
    UsersModule,
  ],
})
export class AppModule {}
