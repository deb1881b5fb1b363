import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query, Req, Res } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiBody,
  ApiConsumes,
  ApiCreatedResponse,
  ApiHeader,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiProduces,
  ApiResponse,
  ApiTags,
} from '@nestjs/swagger';
import {
  CommonErrors,
  DomainError,
  ErrorKind,
  ImageContentQueryDto,
  ImageDto,
  ImageIdDto,
  ImagePageDto,
  ImagePublicTokenDto,
  ImagesHttpPaths,
  ImagesPatterns,
  ImageStatsDto,
  ImageSweepResultDto,
  ImageUsageDto,
  ImageUsageQueryDto,
  IMAGE_VISIBILITIES,
  ListImagesQueryDto,
  type Page,
  UpdateImageDto,
} from '@site11/contracts';
import { Public, Roles } from '@site11/gateway-auth';
import { type CallOptions, RpcClient } from '@site11/messaging';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { GatewayConfig } from '../gateway.config';
import { Call } from '../http/call-context';
import { ApiErrors } from '../http/error-response';
import { FileProxy } from '../http/file-proxy';

const CONTENT_TYPES = ['image/jpeg', 'image/png', 'image/webp', 'image/avif', 'image/gif'];

/**
 * Images: metadata by message patterns like every service; bytes (upload, content) streamed
 * to and from the images service's own listener by FileProxy. Every route needs a token
 * except a public link; whose image it is (and who may list others'), the service decides.
 */
@ApiTags('images')
@ApiBearerAuth()
@ApiErrors(400, 401, 403, 503, 504)
@Controller('images')
export class ImagesHttpController {
  constructor(
    private readonly rpc: RpcClient,
    private readonly bytes: FileProxy,
    private readonly config: GatewayConfig,
  ) {}

  private images(path: string) {
    return { service: 'images', origin: this.config.IMAGES_URL, path };
  }

  @Post()
  @ApiOperation({
    summary: 'Upload an image',
    description:
      'multipart/form-data with the image in the field `file` (JPEG, PNG, WebP, AVIF or GIF, decided from its bytes; 10 MiB, 40 MP by default) and optionally `visibility`. ' +
      'Answers 201 with the new image, its sizes made (thumb 256, medium 1024, large 2048 px, WebP) and EXIF/GPS removed; 200 with the existing image when its owner uploaded the same bytes before.',
  })
  @ApiConsumes('multipart/form-data')
  @ApiBody({
    schema: {
      type: 'object',
      required: ['file'],
      properties: { file: { type: 'string', format: 'binary' }, visibility: { type: 'string', enum: [...IMAGE_VISIBILITIES], default: 'private' } },
    },
  })
  @ApiCreatedResponse({ type: ImageDto, description: 'Uploaded' })
  @ApiOkResponse({ type: ImageDto, description: 'The same bytes were uploaded before: that image' })
  @ApiErrors(413, 415, 422)
  async upload(@Req() request: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    if (!/^multipart\/form-data\s*;/i.test(request.headers['content-type'] ?? '')) {
      throw new DomainError(CommonErrors.unsupportedMediaType, ErrorKind.UnsupportedMediaType, 'Send the image as multipart/form-data, in the field "file"');
    }
    await this.bytes.forward(request, reply, this.images(ImagesHttpPaths.upload), { upload: true, deadlineMs: this.config.IMAGES_UPLOAD_DEADLINE_MS });
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

  @Get('usage')
  @ApiOperation({ summary: 'My stored bytes and images against my quota', description: 'Admins may read another user’s (`ownerId`).' })
  @ApiOkResponse({ type: ImageUsageDto })
  usage(@Query() query: ImageUsageQueryDto, @Call() call: CallOptions): Promise<ImageUsageDto> {
    return this.rpc.send(ImagesPatterns.usage, query, call);
  }

  @Get('stats')
  @Roles('admin')
  @ApiOperation({ summary: 'Storage of all images: totals, usage per user, per type, files in storage (admins)' })
  @ApiOkResponse({ type: ImageStatsDto })
  stats(@Call() call: CallOptions): Promise<ImageStatsDto> {
    return this.rpc.send(ImagesPatterns.stats, {}, call);
  }

  @Post('storage/sweep')
  @Roles('admin')
  @HttpCode(200)
  @ApiOperation({ summary: 'Remove stored files no image refers to, now (admins; it also runs on a schedule)' })
  @ApiOkResponse({ type: ImageSweepResultDto })
  sweep(@Call() call: CallOptions): Promise<ImageSweepResultDto> {
    return this.rpc.send(ImagesPatterns.sweepOrphans, {}, call);
  }

  @Get('public/:token/content')
  @Public()
  @ApiOperation({ summary: 'A public image’s bytes, through its public link (no token)', description: 'Same query, caching and ranges as the content route; a private or deleted image is 404.' })
  @ApiParam({ name: 'token', description: '128 random bits, from the image’s `publicUrl`' })
  @ApiProduces(...CONTENT_TYPES)
  @ApiOkResponse({ description: 'The bytes', schema: { type: 'string', format: 'binary' } })
  @ApiErrors(404, 416)
  async publicContent(
    @Param() { token }: ImagePublicTokenDto,
    @Query() _query: ImageContentQueryDto,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    await this.bytes.forward(request, reply, this.images(ImagesHttpPaths.publicContent(token)), { deadlineMs: this.config.RPC_DEADLINE_MS });
  }

  @Get(':id')
  @ApiOperation({ summary: 'Get an image (its owner or an admin)' })
  @ApiOkResponse({ type: ImageDto })
  @ApiErrors(404)
  findById(@Param() params: ImageIdDto, @Call() call: CallOptions): Promise<ImageDto> {
    return this.rpc.send(ImagesPatterns.findById, params, call);
  }

  @Get(':id/content')
  @ApiOperation({
    summary: 'An image’s bytes: a size, in a format (its owner or an admin)',
    description:
      '`ETag`, `Last-Modified`, `Cache-Control`; `If-None-Match` → 304; one `Range: bytes=` range → 206 (`If-Range` honoured); a range past the end → 416. A format other than the stored one is converted once, then served from storage.',
  })
  @ApiProduces(...CONTENT_TYPES)
  @ApiHeader({ name: 'Range', required: false, description: 'One byte range, e.g. `bytes=0-1023`' })
  @ApiHeader({ name: 'If-None-Match', required: false })
  @ApiOkResponse({ description: 'The bytes', schema: { type: 'string', format: 'binary' } })
  @ApiResponse({ status: 206, description: 'The range asked for' })
  @ApiResponse({ status: 304, description: 'Not modified' })
  @ApiErrors(404, 416)
  async content(@Param() { id }: ImageIdDto, @Query() _query: ImageContentQueryDto, @Req() request: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    await this.bytes.forward(request, reply, this.images(ImagesHttpPaths.content(id)), { deadlineMs: this.config.RPC_DEADLINE_MS });
  }

  @Patch(':id')
  @ApiOperation({ summary: 'Rename an image or change its visibility (its owner or an admin)' })
  @ApiOkResponse({ type: ImageDto })
  @ApiErrors(404)
  update(@Param() { id }: ImageIdDto, @Body() dto: UpdateImageDto, @Call() call: CallOptions): Promise<ImageDto> {
    return this.rpc.send(ImagesPatterns.update, { ...dto, id }, call);
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiOperation({ summary: 'Delete an image with all its sizes (its owner or an admin)' })
  @ApiNoContentResponse()
  @ApiErrors(404)
  async remove(@Param() params: ImageIdDto, @Call() call: CallOptions): Promise<void> {
    await this.rpc.send(ImagesPatterns.remove, params, call);
  }
}
