import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import {
  CreateImageDto,
  ListImagesQueryDto,
  type Page,
  ImageDto,
  ImageIdDto,
  ImagePageDto,
  ImagesPatterns,
  UpdateImageDto,
} from '@site11/contracts';
import { type CallOptions, RpcClient } from '@site11/messaging';
import { Call } from '../http/call-context';
import { ApiErrors } from '../http/error-response';

/**
 * The images of the images service. Every route needs a token; whose image
 * it is (and who may list others'), the service decides.
 */
@ApiTags('images')
@ApiBearerAuth()
@ApiErrors(400, 401, 403, 503, 504)
@Controller('images/images')
export class ImagesHttpController {
  constructor(private readonly rpc: RpcClient) {}

  @Post()
  @ApiOperation({ summary: 'Create an image' })
  @ApiCreatedResponse({ type: ImageDto })
  create(@Body() dto: CreateImageDto, @Call() call: CallOptions): Promise<ImageDto> {
    return this.rpc.send(ImagesPatterns.create, dto, call);
  }

  @Get()
  @ApiOperation({
    summary: 'List my images, one page at a time',
    description: 'Admins may list everyone’s (`scope=all`) or one user’s (`ownerId`); anyone else gets 403 AUTH.FORBIDDEN for either.',
  })
  @ApiOkResponse({ type: ImagePageDto })
  list(@Query() query: ListImagesQueryDto, @Call() call: CallOptions): Promise<Page<ImageDto>> {
    return this.rpc.send(ImagesPatterns.list, query, call);
  }

  @Get(':id')
  @ApiOperation({ summary: 'Get an image (its owner or an admin)' })
  @ApiOkResponse({ type: ImageDto })
  @ApiErrors(404)
  findById(@Param() params: ImageIdDto, @Call() call: CallOptions): Promise<ImageDto> {
    return this.rpc.send(ImagesPatterns.findById, params, call);
  }

  @Patch(':id')
  @ApiOperation({ summary: 'Change an image (its owner or an admin)' })
  @ApiOkResponse({ type: ImageDto })
  @ApiErrors(404)
  update(@Param() { id }: ImageIdDto, @Body() dto: UpdateImageDto, @Call() call: CallOptions): Promise<ImageDto> {
    return this.rpc.send(ImagesPatterns.update, { ...dto, id }, call);
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiOperation({ summary: 'Delete an image (its owner or an admin)' })
  @ApiNoContentResponse()
  @ApiErrors(404)
  async remove(@Param() params: ImageIdDto, @Call() call: CallOptions): Promise<void> {
    await this.rpc.send(ImagesPatterns.remove, params, call);
  }
}
