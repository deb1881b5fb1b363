import { Module } from '@nestjs/common';
import { RpcIdentityModule } from '@site11/auth';
import { AppConfigModule } from '@site11/config';
import { PlatformModule } from '@site11/platform';
import { PersistenceModule } from '@site11/persistence';
import { migrations } from '../migrations';
import { AccountsModule } from './accounts/accounts.module';
import { KeysModule } from './keys/keys.module';
import { OAuthConfig } from './oauth.config';
import { OidcModule } from './oidc/oidc.module';
import { SessionsModule } from './sessions/sessions.module';

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
    PersistenceModule.forService(OAuthConfig, (config) => config.OAUTH_DB_NAME, { migrations, audit: 'oauth' }),
    // every handler checks the credential of its caller (@RpcAccess)
    RpcIdentityModule.forService('oauth', OAuthConfig),
    KeysModule,
    SessionsModule,
    AccountsModule,
    OidcModule,
  ],
})
export class AppModule {}
