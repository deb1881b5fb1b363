import { bootstrapService } from '@site11/messaging';
import { AppModule } from './app/app.module';
import { OAuthConfig } from './app/oauth.config';

void bootstrapService(AppModule, { name: 'oauth', config: OAuthConfig });
