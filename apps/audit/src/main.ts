import { bootstrapService } from '@site11/platform';
import { AppModule } from './app/app.module';
import { AuditConfig } from './app/audit.config';

// its consumer groups start at the oldest retained record: what producers recorded before the audit service first ran is appended too
void bootstrapService(AppModule, {
  name: 'audit',
  config: AuditConfig,
  eventsFrom: 'oldest',
});
