import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import {
  CreateDatasetDto,
  ListDatasetsQueryDto,
  type Page,
  DatasetDto,
  DatasetIdDto,
  DatasetPageDto,
  DatasetsPatterns,
  UpdateDatasetDto,
} from '@site11/contracts';
import { type CallOptions, RpcClient } from '@site11/messaging';
import { Call } from '../http/call-context';
import { ApiErrors } from '../http/error-response';

/**
 * The datasets of the data service. Every route needs a token; whose dataset
 * it is (and who may list others'), the service decides.
 */
@ApiTags('data')
@ApiBearerAuth()
@ApiErrors(400, 401, 403, 503, 504)
@Controller('data/datasets')
export class DatasetsHttpController {
  constructor(private readonly rpc: RpcClient) {}

  @Post()
  @ApiOperation({ summary: 'Create a dataset' })
  @ApiCreatedResponse({ type: DatasetDto })
  create(@Body() dto: CreateDatasetDto, @Call() call: CallOptions): Promise<DatasetDto> {
    return this.rpc.send(DatasetsPatterns.create, dto, call);
  }

  @Get()
  @ApiOperation({
    summary: 'List my datasets, one page at a time',
    description: 'Admins may list everyone’s (`scope=all`) or one user’s (`ownerId`); anyone else gets 403 AUTH.FORBIDDEN for either.',
  })
  @ApiOkResponse({ type: DatasetPageDto })
  list(@Query() query: ListDatasetsQueryDto, @Call() call: CallOptions): Promise<Page<DatasetDto>> {
    return this.rpc.send(DatasetsPatterns.list, query, call);
  }

  @Get(':id')
  @ApiOperation({ summary: 'Get a dataset (its owner or an admin)' })
  @ApiOkResponse({ type: DatasetDto })
  @ApiErrors(404)
  findById(@Param() params: DatasetIdDto, @Call() call: CallOptions): Promise<DatasetDto> {
    return this.rpc.send(DatasetsPatterns.findById, params, call);
  }

  @Patch(':id')
  @ApiOperation({ summary: 'Change a dataset (its owner or an admin)' })
  @ApiOkResponse({ type: DatasetDto })
  @ApiErrors(404)
  update(@Param() { id }: DatasetIdDto, @Body() dto: UpdateDatasetDto, @Call() call: CallOptions): Promise<DatasetDto> {
    return this.rpc.send(DatasetsPatterns.update, { ...dto, id }, call);
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiOperation({ summary: 'Delete a dataset (its owner or an admin)' })
  @ApiNoContentResponse()
  @ApiErrors(404)
  async remove(@Param() params: DatasetIdDto, @Call() call: CallOptions): Promise<void> {
    await this.rpc.send(DatasetsPatterns.remove, params, call);
  }
}
