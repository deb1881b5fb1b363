import { Controller, Get, Header, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { SummaryQueryDto } from '@site11/contracts';
import { type AuthUser, CurrentUser } from '@site11/gateway-auth';
import type { CallOptions } from '@site11/messaging';
import { Call } from '../http/call-context';
import { ApiErrors } from '../http/error-response';
import { DashboardDto } from './dashboard.dto';
import { DashboardService } from './dashboard.service';

/**
 * The console's first screen in one call (docs/dashboard.md). First-party tokens only, like the
 * statistics routes it reuses: no `@Scopes`, so a third-party application gets 403.
 */
@ApiTags('dashboard')
@ApiBearerAuth()
@ApiErrors(400, 401, 403, 503)
@Controller('dashboard')
export class DashboardHttpController {
  constructor(private readonly dashboard: DashboardService) {}

  @Get()
  // per-user, and live readiness: never worth keeping
  @Header('cache-control', 'no-store')
  @ApiOperation({
    summary: 'The dashboard: registry, readiness, statistics summary and the caller’s applications, datasets and images, in one call',
    description:
      'Every section is asked for at once, each with the deadline DASHBOARD_SECTION_TIMEOUT_MS (default 1500 ms), which is also the deadline of its service calls. ' +
      'The answer is 200 with every section present as `{ data, tookMs }` or, when that section failed or missed its deadline, `{ error: { code, message }, tookMs }`: ' +
      'SERVICE_UNAVAILABLE (no live instance, open circuit), UPSTREAM_TIMEOUT (no answer in time), AUTH.FORBIDDEN (`registry` for anyone but an admin), or the service’s own code. ' +
      'The other sections are unaffected, and the response never waits for a section past its deadline. `period` and `tz` are passed to the summary section.',
  })
  @ApiOkResponse({
    type: DashboardDto,
    headers: { 'Cache-Control': { description: 'Always `no-store`', schema: { type: 'string', example: 'no-store' } } },
  })
  get(@Query() query: SummaryQueryDto, @CurrentUser() user: AuthUser, @Call() call: CallOptions): Promise<DashboardDto> {
    return this.dashboard.build(user, call, query);
  }
}
