import { Body, Controller, Delete, Get, HttpCode, Param, Post, Query, Res } from '@nestjs/common';
import { ApiAcceptedResponse, ApiBearerAuth, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import { CreateReportDto, ListReportsQueryDto, type Page, ReportDto, type ReportFile, ReportIdDto, ReportPageDto, ReportsPatterns } from '@site11/contracts';
import { type CallOptions, RpcClient } from '@site11/messaging';
import { dispositionHeader } from '@site11/platform';
import type { FastifyReply } from 'fastify';
import { Call } from '../http/call-context';
import { ApiErrors } from '../http/error-response';

/**
 * Reports of the statistics service: asked for (202, generated in the background), followed,
 * downloaded and deleted. An admin's report covers everyone's events; anyone else's only their
 * own. Whose report it is, the service decides.
 */
@ApiTags('statistics')
@ApiBearerAuth()
@ApiErrors(400, 401, 403, 503, 504)
@Controller('statistics/reports')
export class ReportsHttpController {
  constructor(private readonly rpc: RpcClient) {}

  @Post()
  @HttpCode(202)
  @ApiOperation({
    summary: 'Ask for a report',
    description:
      'usage (every counter), activity (sign-ins, registrations, grants, applications) or storage (bytes and rows stored), per day (per hour for two days or less), as CSV, JSON or PDF. ' +
      'Answers 202 with the queued report and a Location header; follow it at GET …/reports/{id} until `completed`, then download it. At most 366 days; 429 STATISTICS.TOO_MANY_REPORTS past 5 queued or running.',
  })
  @ApiAcceptedResponse({ type: ReportDto })
  @ApiErrors(429)
  async create(@Body() dto: CreateReportDto, @Call() call: CallOptions, @Res({ passthrough: true }) reply: FastifyReply): Promise<ReportDto> {
    const report = await this.rpc.send<ReportDto>(ReportsPatterns.create, dto, call);
    void reply.header('location', `/api/v1/statistics/reports/${report.id}`);
    return report;
  }

  @Get()
  @ApiOperation({
    summary: 'List my reports, one page at a time (oldest first)',
    description: 'Admins may list everyone’s (`scope=all`) or one user’s (`ownerId`); anyone else gets 403 AUTH.FORBIDDEN for either.',
  })
  @ApiOkResponse({ type: ReportPageDto })
  list(@Query() query: ListReportsQueryDto, @Call() call: CallOptions): Promise<Page<ReportDto>> {
    return this.rpc.send(ReportsPatterns.list, query, call);
  }

  @Get(':id')
  @ApiOperation({ summary: 'A report and its status: queued, running, completed or failed (its owner or an admin)' })
  @ApiOkResponse({ type: ReportDto })
  @ApiErrors(404)
  findById(@Param() params: ReportIdDto, @Call() call: CallOptions): Promise<ReportDto> {
    return this.rpc.send(ReportsPatterns.findById, params, call);
  }

  @Get(':id/download')
  @ApiOperation({ summary: 'Download a completed report (409 STATISTICS.REPORT_NOT_READY before)' })
  @ApiProduces('text/csv', 'application/json', 'application/pdf')
  @ApiOkResponse({ description: 'The file, as an attachment', schema: { type: 'string', format: 'binary' } })
  @ApiErrors(404, 409)
  async download(@Param() params: ReportIdDto, @Call() call: CallOptions, @Res({ passthrough: true }) reply: FastifyReply): Promise<Buffer> {
    const file = await this.rpc.send<ReportFile>(ReportsPatterns.download, params, call);
    void reply.header('content-type', file.contentType);
    void reply.header('content-disposition', dispositionHeader('attachment', file.filename));
    void reply.header('cache-control', 'private, no-store');
    return Buffer.from(file.body, 'base64');
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiOperation({ summary: 'Delete a report (its owner or an admin)' })
  @ApiNoContentResponse()
  @ApiErrors(404)
  async remove(@Param() params: ReportIdDto, @Call() call: CallOptions): Promise<void> {
    await this.rpc.send(ReportsPatterns.remove, params, call);
  }
}
