import { Module } from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';
import { ExpiryModule } from '@site11/persistence';
import { KeysModule } from '../keys/keys.module';
import { SessionsModule } from '../sessions/sessions.module';
import { UsersClientModule } from '../users/users.client.module';
import { ApplicationsClient } from './applications.client';
import { AuthorizationService } from './authorization.service';
import { GrantsService } from './grants.service';
import { OidcTokensService } from './oidc-tokens.service';
import { OidcMessageController } from './oidc.message.controller';
import {
  AuthorizationCode,
  AuthorizationCodeSchema,
  AuthorizationRequest,
  AuthorizationRequestSchema,
  BrowserSession,
  Grant,
  GrantSchema,
} from './oidc.schema';

/** OAuth 2.1 and OpenID Connect for third-party applications (docs/oauth.md). */
@Module({
  imports: [
    KeysModule,
    SessionsModule,
    UsersClientModule,
    MongooseModule.forFeature([
      { name: AuthorizationRequest.name, schema: AuthorizationRequestSchema },
      { name: AuthorizationCode.name, schema: AuthorizationCodeSchema },
      { name: Grant.name, schema: GrantSchema },
    ]),
    // nothing reads them past expiresAt; a used code is kept as long as it would have lived, for replay detection
    ExpiryModule.forFeature([
      { name: BrowserSession.name, field: 'expiresAt' },
      { name: AuthorizationRequest.name, field: 'expiresAt' },
      { name: AuthorizationCode.name, field: 'expiresAt' },
    ]),
  ],
  controllers: [OidcMessageController],
  providers: [ApplicationsClient, AuthorizationService, OidcTokensService, GrantsService],
})
export class OidcModule {}
