import { Module } from '@nestjs/common';
import { AnalyticsService } from './analytics.service';
import { CounterStore } from './counter-store';
import { CountingMessageController } from './counting.message.controller';
import { IngestService } from './ingest.service';
import { RollupService } from './rollup.service';

@Module({
  controllers: [CountingMessageController],
  providers: [CounterStore, IngestService, RollupService, AnalyticsService],
  exports: [AnalyticsService, CounterStore, RollupService],
})
export class CountingModule {}
