import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import {
  CreateReportDto,
  ListReportsQueryDto,
  type Page,
  ReportDto,
  ReportIdDto,
  ReportPageDto,
  ReportsPatterns,
  UpdateReportDto,
} from '@site11/contracts';
import { type CallOptions, RpcClient } from '@site11/messaging';
import { Call } from '../http/call-context';
import { ApiErrors } from '../http/error-response';

/**
 * The reports of the statistics service. Every route needs a token; whose report
 * it is (and who may list others'), the service decides.
 */
@ApiTags('statistics')
@ApiBearerAuth()
@ApiErrors(400, 401, 403, 503, 504)
@Controller('statistics/reports')
export class ReportsHttpController {
  constructor(private readonly rpc: RpcClient) {}

  @Post()
  @ApiOperation({ summary: 'Create a report' })
  @ApiCreatedResponse({ type: ReportDto })
  create(@Body() dto: CreateReportDto, @Call() call: CallOptions): Promise<ReportDto> {
    return this.rpc.send(ReportsPatterns.create, dto, call);
  }

  @Get()
  @ApiOperation({
    summary: 'List my reports, one page at a time',
    description: 'Admins may list everyone’s (`scope=all`) or one user’s (`ownerId`); anyone else gets 403 AUTH.FORBIDDEN for either.',
  })
  @ApiOkResponse({ type: ReportPageDto })
  list(@Query() query: ListReportsQueryDto, @Call() call: CallOptions): Promise<Page<ReportDto>> {
    return this.rpc.send(ReportsPatterns.list, query, call);
  }

  @Get(':id')
  @ApiOperation({ summary: 'Get a report (its owner or an admin)' })
  @ApiOkResponse({ type: ReportDto })
  @ApiErrors(404)
  findById(@Param() params: ReportIdDto, @Call() call: CallOptions): Promise<ReportDto> {
    return this.rpc.send(ReportsPatterns.findById, params, call);
  }

  @Patch(':id')
  @ApiOperation({ summary: 'Change a report (its owner or an admin)' })
  @ApiOkResponse({ type: ReportDto })
  @ApiErrors(404)
  update(@Param() { id }: ReportIdDto, @Body() dto: UpdateReportDto, @Call() call: CallOptions): Promise<ReportDto> {
    return this.rpc.send(ReportsPatterns.update, { ...dto, id }, call);
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
