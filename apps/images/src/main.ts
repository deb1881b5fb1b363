import { bootstrapService } from '@site11/platform';
import { AppModule } from './app/app.module';
import { ImagesConfig } from './app/images.config';

void bootstrapService(AppModule, { name: 'images', config: ImagesConfig });
