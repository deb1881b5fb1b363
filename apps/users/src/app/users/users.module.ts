import { Module } from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';
import { REDIS_CLIENT, type RedisClient } from '@site11/redis';
import { UsersConfig } from '../users.config';
import { MailModule } from '@site11/mail';
import { ExpiryModule } from '@site11/persistence';
import { MailLink, MailLinkSchema } from './mail-link.schema';
import { AccountRecoveryService } from './account-recovery.service';
import { AccountSecurityMessageController } from './account-security.message.controller';
import { AccountsService } from './accounts.service';
import { Clock } from './clock';
import { MailWorker } from './mail.worker';
import { MfaService } from './mfa.service';
import { AdminSeed } from './admin-seed';
import { CredentialsService } from './credentials.service';
import { DirectoryService } from './directory.service';
import { PasswordHasher } from './password-hasher';
import { SearchIndexMessageController } from './search-index/search-index.message.controller';
import { SearchIndexService } from './search-index/search-index.service';
import { SearchIndexStore } from './search-index/search-index.store';
import { User, UserSchema } from './user.schema';
import { UsersMessageController } from './users.message.controller';

@Module({
  imports: [
    MongooseModule.forFeature([
      { name: User.name, schema: UserSchema },
      { name: MailLink.name, schema: MailLinkSchema },
    ]),
    // a link nobody followed is deleted once it has expired
    ExpiryModule.forFeature([{ name: MailLink.name, field: 'expiresAt' }]),
    MailModule.forConfig(UsersConfig),
  ],
  controllers: [UsersMessageController, SearchIndexMessageController, AccountSecurityMessageController, MailWorker],
  providers: [
    AccountsService,
    AccountRecoveryService,
    MfaService,
    Clock,
    CredentialsService,
    DirectoryService,
    PasswordHasher,
    AdminSeed,
    SearchIndexService,
    // on the app's own Redis connection (PlatformModule), with the service's Redis user
    {
      provide: SearchIndexStore,
      inject: [REDIS_CLIENT, UsersConfig],
      useFactory: (redis: RedisClient, config: UsersConfig) => new SearchIndexStore(redis, config.USERS_DB_NAME),
    },
  ],
})
export class UsersModule {}
