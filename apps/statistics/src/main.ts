import { bootstrapService } from '@site11/platform';
import { AppModule } from './app/app.module';
import { StatisticsConfig } from './app/statistics.config';

void bootstrapService(AppModule, { name: 'statistics', config: StatisticsConfig });
