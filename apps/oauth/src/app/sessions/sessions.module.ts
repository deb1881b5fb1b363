import { Module } from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';
import { ExpiryModule } from '@site11/persistence';
import { KeysModule } from '../keys/keys.module';
import { UsersClientModule } from '../users/users.client.module';
import { BrowserSession, BrowserSessionSchema } from '../oidc/oidc.schema';
import { RefreshToken, RefreshTokenSchema, Session, SessionSchema } from './session.schema';
import { SessionsMessageController } from './sessions.message.controller';
import { ClientSessionsService } from './client-sessions.service';
import { MfaChallenges } from './mfa-challenges';
import { SignIns } from './sign-ins';
import { TokensService } from './tokens.service';

@Module({
  imports: [
    KeysModule,
    UsersClientModule,
    MongooseModule.forFeature([
      { name: Session.name, schema: SessionSchema },
      { name: RefreshToken.name, schema: RefreshTokenSchema },
      // the authorization server's sign-ins end with the user's sessions (revokeUserSessions)
      { name: BrowserSession.name, schema: BrowserSessionSchema },
    ]),
    // Deleted as soon as they expire: nothing reads a session or a refresh token past expiresAt
    // (a refresh token expires with its session, so reuse detection keeps its used rows while
    // the session lives), and no access token outlives its session.
    ExpiryModule.forFeature([
      { name: Session.name, field: 'expiresAt' },
      { name: RefreshToken.name, field: 'expiresAt' },
    ]),
  ],
  controllers: [SessionsMessageController],
  providers: [TokensService, ClientSessionsService, SignIns, MfaChallenges],
  exports: [TokensService, ClientSessionsService, SignIns, MfaChallenges, MongooseModule],
})
export class SessionsModule {}
