import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { MetricListDto, SeriesDto, SeriesQueryDto, StatisticsPatterns, SummaryDto, SummaryQueryDto, TopDto, TopQueryDto } from '@site11/contracts';
import { type CallOptions, RpcClient } from '@site11/messaging';
import { Call } from '../http/call-context';
import { ApiErrors } from '../http/error-response';

/**
 * Business analytics counted from every service's events (docs/statistics.md). Admins see
 * everyone's numbers (and one user's with `ownerId`); anyone else sees only the events they own.
 */
@ApiTags('statistics')
@ApiBearerAuth()
@ApiErrors(400, 401, 503, 504)
@Controller('statistics')
export class StatisticsHttpController {
  constructor(private readonly rpc: RpcClient) {}

  @Get('series')
  @ApiOperation({
    summary: 'A metric over time',
    description:
      'One zero-filled point per slot of `interval` in `tz` (IANA, default UTC) from `from` (rounded down to its slot) to `to`; with `groupBy`, one series per group. ' +
      'A gauge’s points are its level at the end of each slot. More than 20,000 points: 400 STATISTICS.TOO_MANY_POINTS. Minute buckets are kept 7 days and hour buckets 90 days (400 STATISTICS.RANGE_NOT_RETAINED before).',
  })
  @ApiOkResponse({ type: SeriesDto })
  series(@Query() query: SeriesQueryDto, @Call() call: CallOptions): Promise<SeriesDto> {
    return this.rpc.send(StatisticsPatterns.series, query, call);
  }

  @Get('summary')
  @ApiOperation({ summary: 'The dashboard: new users, sign-ins, applications, storage and imports, with the previous period and a sparkline' })
  @ApiOkResponse({ type: SummaryDto })
  summary(@Query() query: SummaryQueryDto, @Call() call: CallOptions): Promise<SummaryDto> {
    return this.rpc.send(StatisticsPatterns.summary, query, call);
  }

  @Get('top')
  @ApiOperation({ summary: 'The largest groups of a metric (by owner, outcome, service or event) over a range (default the last 30 days)' })
  @ApiOkResponse({ type: TopDto })
  top(@Query() query: TopQueryDto, @Call() call: CallOptions): Promise<TopDto> {
    return this.rpc.send(StatisticsPatterns.top, query, call);
  }

  @Get('metrics')
  @ApiOperation({ summary: 'The metrics that exist, with what they count' })
  @ApiOkResponse({ type: MetricListDto })
  metrics(@Call() call: CallOptions): Promise<MetricListDto> {
    return this.rpc.send(StatisticsPatterns.metrics, {}, call);
  }
}
