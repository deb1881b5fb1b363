import { Module } from '@nestjs/common';
import { AppConfigModule } from '@site11/config';
import { PlatformModule } from '@site11/messaging';
import { PersistenceModule } from '@site11/persistence';
import { AuthMessageController } from './auth.message.controller';
import { KeysModule } from './keys/keys.module';
import { OAuthConfig } from './oauth.config';
import { TokensModule } from './tokens/tokens.module';

@Module({
  imports: [
    AppConfigModule.forRoot(OAuthConfig),
    PlatformModule.forApp({
      name: 'oauth',
      config: OAuthConfig,
      healthPort: (config) => config.HEALTH_PORT,
      mongoose: true,
      servesMessages: true,
    }),
    PersistenceModule.forRootAsync({
      inject: [OAuthConfig],
      useFactory: (config: OAuthConfig) => ({
        uri: config.MONGODB_URI,
        dbName: config.OAUTH_DB_NAME,
        requireTestDatabase: config.NODE_ENV === 'test',
      }),
    }),
    KeysModule,
    TokensModule,
  ],
  controllers: [AuthMessageController],
})
export class AppModule {}
