import { bootstrapService } from '@site11/platform';
import { AppModule } from './app/app.module';
import { ApplicationsConfig } from './app/applications.config';

void bootstrapService(AppModule, { name: 'applications', config: ApplicationsConfig });
