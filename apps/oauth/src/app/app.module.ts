import { Module } from '@nestjs/common';
import { AppConfigModule } from '@site11/config';
import { HealthModule } from '@site11/health';
import { MessagingModule, messagingOptionsFrom } from '@site11/messaging';
import { PersistenceModule } from '@site11/persistence';
import { AuthMessageController } from './auth.message.controller';
import { KeysModule } from './keys/keys.module';
import { OAuthConfig } from './oauth.config';
import { TokensModule } from './tokens/tokens.module';

@Module({
  imports: [
    AppConfigModule.forRoot(OAuthConfig),
    PersistenceModule.forRootAsync({
      inject: [OAuthConfig],
      useFactory: (config: OAuthConfig) => ({
        uri: config.MONGODB_URI,
        dbName: config.OAUTH_DB_NAME,
        requireTestDatabase: config.NODE_ENV === 'test',
      }),
    }),
    MessagingModule.forRootAsync({
      isGlobal: true,
      inject: [OAuthConfig],
      useFactory: (config: OAuthConfig) => messagingOptionsFrom(config, 'oauth'),
    }),
    HealthModule.forRootAsync({
      inject: [OAuthConfig],
      useFactory: (config: OAuthConfig) => ({ redisUrl: config.REDIS_URL, mongoose: true }),
    }),
    KeysModule,
    TokensModule,
  ],
  controllers: [AuthMessageController],
})
export class AppModule {}
