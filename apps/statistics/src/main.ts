import { bootstrapService } from '@site11/platform';
import { AppModule } from './app/app.module';
import { StatisticsConfig } from './app/statistics.config';

// its consumer groups start at the oldest retained event: a new statistics service counts the history still in the streams
void bootstrapService(AppModule, { name: 'statistics', config: StatisticsConfig, eventsFrom: 'oldest' });
