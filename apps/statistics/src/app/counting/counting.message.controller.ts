import { Controller } from '@nestjs/common';
import { Ctx, EventPattern, MessagePattern, Payload } from '@nestjs/microservices';
import { Caller, RpcAccess, type VerifiedActor } from '@site11/auth';
import {
  EVENT_NAMES,
  type MetricListDto,
  type SeriesDto,
  SeriesQueryDto,
  StatisticsPatterns,
  type SummaryDto,
  SummaryQueryDto,
  type TopDto,
  TopQueryDto,
  type UserDeletedEvent,
  UsersEvents,
} from '@site11/contracts';
import type { StreamsContext } from '@site11/messaging';
import { AnalyticsService } from './analytics.service';
import { IngestService } from './ingest.service';

/**
 * Every event of the catalog, from every service (EVENT_NAMES: a generated service's events join
 * it, and so this subscription, when they are generated), read through statistics' own consumer
 * groups from the oldest retained entry; and the analytics queries. The Redis user of statistics
 * may read every service's events (`consumes: ["*"]` in tools/platform/services.json).
 */
@Controller()
export class CountingMessageController {
  constructor(
    private readonly ingest: IngestService,
    private readonly analytics: AnalyticsService,
  ) {}

  @EventPattern([...EVENT_NAMES])
  async count(@Payload() payload: { data?: unknown; metadata?: { eventId?: unknown; occurredAt?: unknown } }, @Ctx() context: StreamsContext): Promise<void> {
    const pattern = context.getPattern();
    await this.ingest.accept({ pattern, stream: context.getStream(), messageId: context.getMessageId(), data: payload?.data, metadata: payload?.metadata });
    if (pattern === UsersEvents.deleted) await this.ingest.eraseOwner((payload.data as UserDeletedEvent).id);
  }

  @MessagePattern(StatisticsPatterns.series)
  @RpcAccess({ actor: 'user' })
  series(@Payload('data') query: SeriesQueryDto, @Caller() actor: VerifiedActor): Promise<SeriesDto> {
    return this.analytics.series(query, actor);
  }

  @MessagePattern(StatisticsPatterns.summary)
  @RpcAccess({ actor: 'user' })
  summary(@Payload('data') query: SummaryQueryDto, @Caller() actor: VerifiedActor): Promise<SummaryDto> {
    return this.analytics.summary(query, actor);
  }

  @MessagePattern(StatisticsPatterns.top)
  @RpcAccess({ actor: 'user' })
  top(@Payload('data') query: TopQueryDto, @Caller() actor: VerifiedActor): Promise<TopDto> {
    return this.analytics.top(query, actor);
  }

  @MessagePattern(StatisticsPatterns.metrics)
  @RpcAccess({ actor: 'user' })
  metrics(): MetricListDto {
    return this.analytics.metrics();
  }
}
