import { MailErrors } from '@site11/mail';
import { bootstrapService } from '@site11/platform';
import { AppModule } from './app/app.module';
import { UsersConfig } from './app/users.config';

// a mail the SMTP server refused for good goes to the dead-letter stream at once, not retried
void bootstrapService(AppModule, { name: 'users', config: UsersConfig, permanentEventErrors: [MailErrors.permanent] });
