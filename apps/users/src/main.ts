import { bootstrapService } from '@site11/platform';
import { AppModule } from './app/app.module';
import { UsersConfig } from './app/users.config';

void bootstrapService(AppModule, { name: 'users', config: UsersConfig });
