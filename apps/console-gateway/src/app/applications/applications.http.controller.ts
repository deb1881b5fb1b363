import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import {
  CreateApplicationDto,
  ListApplicationsQueryDto,
  type Page,
  ApplicationDto,
  ApplicationIdDto,
  ApplicationPageDto,
  ApplicationsPatterns,
  UpdateApplicationDto,
} from '@site11/contracts';
import { type CallOptions, RpcClient } from '@site11/messaging';
import { Call } from '../http/call-context';
import { ApiErrors } from '../http/error-response';

/**
 * The applications of the applications service. Every route needs a token; whose application
 * it is (and who may list others'), the service decides.
 */
@ApiTags('applications')
@ApiBearerAuth()
@ApiErrors(400, 401, 403, 503, 504)
@Controller('applications/applications')
export class ApplicationsHttpController {
  constructor(private readonly rpc: RpcClient) {}

  @Post()
  @ApiOperation({ summary: 'Create an application' })
  @ApiCreatedResponse({ type: ApplicationDto })
  create(@Body() dto: CreateApplicationDto, @Call() call: CallOptions): Promise<ApplicationDto> {
    return this.rpc.send(ApplicationsPatterns.create, dto, call);
  }

  @Get()
  @ApiOperation({
    summary: 'List my applications, one page at a time',
    description: 'Admins may list everyone’s (`scope=all`) or one user’s (`ownerId`); anyone else gets 403 AUTH.FORBIDDEN for either.',
  })
  @ApiOkResponse({ type: ApplicationPageDto })
  list(@Query() query: ListApplicationsQueryDto, @Call() call: CallOptions): Promise<Page<ApplicationDto>> {
    return this.rpc.send(ApplicationsPatterns.list, query, call);
  }

  @Get(':id')
  @ApiOperation({ summary: 'Get an application (its owner or an admin)' })
  @ApiOkResponse({ type: ApplicationDto })
  @ApiErrors(404)
  findById(@Param() params: ApplicationIdDto, @Call() call: CallOptions): Promise<ApplicationDto> {
    return this.rpc.send(ApplicationsPatterns.findById, params, call);
  }

  @Patch(':id')
  @ApiOperation({ summary: 'Change an application (its owner or an admin)' })
  @ApiOkResponse({ type: ApplicationDto })
  @ApiErrors(404)
  update(@Param() { id }: ApplicationIdDto, @Body() dto: UpdateApplicationDto, @Call() call: CallOptions): Promise<ApplicationDto> {
    return this.rpc.send(ApplicationsPatterns.update, { ...dto, id }, call);
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiOperation({ summary: 'Delete an application (its owner or an admin)' })
  @ApiNoContentResponse()
  @ApiErrors(404)
  async remove(@Param() params: ApplicationIdDto, @Call() call: CallOptions): Promise<void> {
    await this.rpc.send(ApplicationsPatterns.remove, params, call);
  }
}
