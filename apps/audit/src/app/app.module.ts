import { Module } from '@nestjs/common';
import { RpcIdentityModule } from '@site11/auth';
import { AppConfigModule } from '@site11/config';
import { PlatformModule } from '@site11/platform';
import { PersistenceModule } from '@site11/persistence';
import { migrations } from '../migrations';
import { AuditConfig } from './audit.config';
import { EntriesModule } from './entries/entries.module';
// <nx-plugin:resource-module-imports>

@Module({
  imports: [
    AppConfigModule.forRoot(AuditConfig),
    PlatformModule.forApp({
      name: 'audit',
      config: AuditConfig,
      healthPort: (config) => config.HEALTH_PORT,
      mongoose: true,
      servesMessages: true,
    }),
    PersistenceModule.forService(AuditConfig, (config) => config.AUDIT_DB_NAME, { migrations }),
    // every handler checks the credential of its caller (@RpcAccess)
    RpcIdentityModule.forService('audit', AuditConfig),
    EntriesModule,
    // <nx-plugin:resource-modules>
  ],
})
export class AppModule {}
