import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import {
  AuditEntryPageDto,
  AuditPatterns,
  AuditVerificationDto,
  ListAuditEntriesQueryDto,
  ListMyAuditEntriesQueryDto,
} from '@site11/contracts';
import { Roles } from '@site11/gateway-auth';
import { type CallOptions, RpcClient } from '@site11/messaging';
import { Call, Deadline } from '../http/call-context';
import { ApiErrors } from '../http/error-response';

/** A walk of the whole chain: longer than a page read (docs/audit.md, "Verification"). */
const VERIFY_DEADLINE_MS = 60_000;

/**
 * The audit log (docs/audit.md): read-only. Admins list, filter and verify it; every signed-in
 * user reads the entries about them. Entries are appended only by the audit service, from the
 * records the other services publish: no route creates, changes or deletes one.
 */
@ApiTags('audit')
@ApiBearerAuth()
@ApiErrors(400, 401, 403, 503, 504)
@Controller('audit')
export class AuditHttpController {
  constructor(private readonly rpc: RpcClient) {}

  @Get()
  @Roles('admin')
  @ApiOperation({
    summary: 'List audit entries, newest first, one page at a time (admin)',
    description:
      'Filters combine: `actor` (user id or `service:<name>`), `action`, `target` (`<kind>:<id>`), `from` (inclusive) and `to` (exclusive) on the time of the action. Unknown fields, a bad date, an unknown action or a cursor this API did not issue are 400 VALIDATION.',
  })
  @ApiOkResponse({ type: AuditEntryPageDto })
  list(@Query() query: ListAuditEntriesQueryDto, @Call() call: CallOptions): Promise<AuditEntryPageDto> {
    return this.rpc.send(AuditPatterns.list, query, call);
  }

  @Get('verify')
  @Roles('admin')
  @Deadline(VERIFY_DEADLINE_MS)
  @ApiOperation({
    summary: 'Verify the audit chain from its first entry (admin)',
    description:
      'Recomputes every entry’s hash in order. `valid: false` names the first entry that does not check: edited, or after one deleted or moved. It cannot tell a chain rewritten from the edit onward, nor its last entries removed (docs/audit.md).',
  })
  @ApiOkResponse({ type: AuditVerificationDto })
  verify(@Call() call: CallOptions): Promise<AuditVerificationDto> {
    return this.rpc.send(AuditPatterns.verify, {}, call);
  }

  @Get('me')
  @ApiOperation({
    summary: 'My recent security activity: entries where I acted or was acted upon, newest first',
  })
  @ApiOkResponse({ type: AuditEntryPageDto })
  listMine(@Query() query: ListMyAuditEntriesQueryDto, @Call() call: CallOptions): Promise<AuditEntryPageDto> {
    return this.rpc.send(AuditPatterns.listMine, query, call);
  }
}
