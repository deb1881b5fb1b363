import { Module } from '@nestjs/common';
import { AppConfigModule } from '@site11/config';
import { HealthModule } from '@site11/health';
import { MessagingModule, messagingOptionsFrom } from '@site11/messaging';
import { PersistenceModule } from '@site11/persistence';
import { UsersConfig } from './users.config';
import { UsersModule } from './users/users.module';

@Module({
  imports: [
    AppConfigModule.forRoot(UsersConfig),
    PersistenceModule.forRootAsync({
      inject: [UsersConfig],
      useFactory: (config: UsersConfig) => ({
        uri: config.MONGODB_URI,
        dbName: config.USERS_DB_NAME,
        requireTestDatabase: config.NODE_ENV === 'test',
      }),
    }),
    MessagingModule.forRootAsync({
      isGlobal: true,
      inject: [UsersConfig],
      useFactory: (config: UsersConfig) => messagingOptionsFrom(config, 'users'),
    }),
    HealthModule.forRootAsync({
      inject: [UsersConfig],
      useFactory: (config: UsersConfig) => ({ redisUrl: config.REDIS_URL, mongoose: true }),
    }),
    UsersModule,
  ],
})
export class AppModule {}
