import { bootstrapService } from '@site11/platform';
import { AppModule } from './app/app.module';
import { OAuthConfig } from './app/oauth.config';

void bootstrapService(AppModule, { name: 'oauth', config: OAuthConfig });
