import { bootstrapService } from '@site11/platform';
import { AppModule } from './app/app.module';
import { DataConfig } from './app/data.config';

void bootstrapService(AppModule, { name: 'data', config: DataConfig });
