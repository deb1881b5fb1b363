import { Controller, Get, type OnModuleInit, Post, Req, Res } from '@nestjs/common';
import { forwardedRequestId, sendWireError } from '@site11/platform';
import { HttpAdapterHost } from '@nestjs/core';
import { CredentialVerifier } from '@site11/auth';
import { CommonErrors, DomainError, ErrorKind, IMAGE_FORMATS, IMAGE_VARIANTS, type ImageVariantName, ImagesErrors, ImagesHttpPaths } from '@site11/contracts';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { Types } from 'mongoose';
import { ImagesConfig } from '../images.config';
import { CACHED_FILE_MAX_BYTES, ImageStore } from '../storage/image-store';
import { contentDisposition, etagOf, isFormat, notModified, rangeOf } from './content-response';
import { ContentService, type ContentTarget } from './content.service';
import { ImageNotFoundError } from './images.errors';
import { Slots } from './slots';
import { receiveUpload, tooLarge } from './upload-form';
import { UploadsService } from './uploads.service';

/** How long an upload waits for a slot before 429 IMAGES.BUSY. */
const UPLOAD_WAIT_MS = 30_000;

/**
 * The bytes of images, on the service's own HTTP listener (the health port), called only by the
 * gateway, which streams request and response bodies through without holding them: an upload
 * (multipart, streamed into the service), and content (streamed out of GridFS, by byte range).
 * Everything else about images is a message pattern. Each request carries the caller's access
 * token, verified here as on the transport; errors are WireErrors (`code`, `kind`), and the
 * gateway alone decides HTTP statuses for them.
 */
@Controller()
export class ImageBytesHttpController implements OnModuleInit {
  private readonly uploadsBy = new Map<string, number>();
  private readonly uploadSlots: Slots;

  constructor(
    private readonly adapterHost: HttpAdapterHost,
    private readonly verifier: CredentialVerifier,
    private readonly uploads: UploadsService,
    private readonly content: ContentService,
    private readonly store: ImageStore,
    private readonly config: ImagesConfig,
  ) {
    this.uploadSlots = new Slots(config.IMAGES_MAX_UPLOADS_IN_FLIGHT);
  }

  /** multipart/form-data is left unread for the upload route, which streams it through busboy. */
  onModuleInit(): void {
    const fastify = this.adapterHost.httpAdapter.getInstance<FastifyInstance>();
    if (!fastify.hasContentTypeParser('multipart/form-data')) fastify.addContentTypeParser('multipart/form-data', (_request, _payload, done) => done(null));
  }

  @Post(ImagesHttpPaths.upload)
  async upload(@Req() request: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    try {
      const actor = await this.verifier.bearerUser(request.headers.authorization, 'images');
      const declared = Number(request.headers['content-length'] ?? 0);
      // a declared length far over the limit is refused before a byte is read (multipart adds a few hundred bytes)
      if (declared > this.config.IMAGES_MAX_UPLOAD_BYTES + 64 * 1024) throw tooLarge(this.config.IMAGES_MAX_UPLOAD_BYTES);
      await this.perUser(actor.sub, () =>
        // memory per upload is bounded (IMAGES_MAX_UPLOAD_BYTES, buffered once), so the number read at
        // once bounds this instance's memory; the rest wait with their bodies unread (the gateway and
        // the client hold them, by TCP backpressure), then 429 IMAGES.BUSY
        this.uploadSlots.run(
          async () => {
            const received = await receiveUpload(request.raw, this.config.IMAGES_MAX_UPLOAD_BYTES);
            const { created, image } = await this.uploads.upload(received, actor, forwardedRequestId(request, 'images'), () => !request.raw.socket.destroyed);
            await reply.status(created ? 201 : 200).header('cache-control', 'no-store').send(image);
          },
          { ms: UPLOAD_WAIT_MS, refuse: () => new DomainError(ImagesErrors.busy, ErrorKind.ResourceExhausted, 'Too many uploads under way; try again shortly', { retryAfterSeconds: 1 }) },
        ),
      );
    } catch (error) {
      await sendWireError(reply, error, 'images');
    }
  }

  /** One user may have only IMAGES_MAX_UPLOADS_PER_USER uploads under way (waiting included) on this instance. */
  private async perUser(ownerId: string, work: () => Promise<void>): Promise<void> {
    const mine = this.uploadsBy.get(ownerId) ?? 0;
    if (mine >= this.config.IMAGES_MAX_UPLOADS_PER_USER) {
      throw new DomainError(ImagesErrors.tooManyUploads, ErrorKind.ResourceExhausted, `At most ${this.config.IMAGES_MAX_UPLOADS_PER_USER} of your uploads at once`, { retryAfterSeconds: 1 });
    }
    this.uploadsBy.set(ownerId, mine + 1);
    try {
      await work();
    } finally {
      const left = (this.uploadsBy.get(ownerId) ?? 1) - 1;
      if (left > 0) this.uploadsBy.set(ownerId, left);
      else this.uploadsBy.delete(ownerId);
    }
  }

  @Get(ImagesHttpPaths.publicContent(':token'))
  async publicContent(@Req() request: FastifyRequest<{ Params: { token: string }; Querystring: Record<string, unknown> }>, @Res() reply: FastifyReply): Promise<void> {
    try {
      const { variant, format } = contentQuery(request.query);
      if (!/^[A-Za-z0-9_-]{22}$/.test(request.params.token)) throw new ImageNotFoundError('behind this link');
      const target = await this.content.forPublicLink(request.params.token, variant, format);
      const maxAge = this.config.IMAGES_PUBLIC_MAX_AGE_SECONDS;
      await this.send(request, reply, target, maxAge > 0 ? `public, max-age=${maxAge}` : 'public, no-cache');
    } catch (error) {
      await sendWireError(reply, error, 'images');
    }
  }

  @Get(ImagesHttpPaths.content(':id'))
  async ownContent(@Req() request: FastifyRequest<{ Params: { id: string }; Querystring: Record<string, unknown> }>, @Res() reply: FastifyReply): Promise<void> {
    try {
      const actor = await this.verifier.bearerUser(request.headers.authorization, 'images');
      const { variant, format } = contentQuery(request.query);
      if (!/^[0-9a-f]{24}$/i.test(request.params.id) || !Types.ObjectId.isValid(request.params.id)) {
        throw new DomainError(CommonErrors.validation, ErrorKind.InvalidArgument, 'id must be a 24-character hex ObjectId');
      }
      const target = await this.content.forCaller(request.params.id, actor, variant, format);
      // the bytes behind this address never change; who may read them does, so caches stay private
      await this.send(request, reply, target, 'private, max-age=31536000, immutable');
    } catch (error) {
      await sendWireError(reply, error, 'images');
    }
  }

  /** Headers, then 304, 416, 206 with the range, or 200 with everything, streamed from GridFS. */
  private async send(request: FastifyRequest, reply: FastifyReply, { image, variant }: ContentTarget, cacheControl: string): Promise<void> {
    const etag = etagOf(variant);
    void reply
      .header('etag', etag)
      .header('last-modified', new Date(variant.createdAt).toUTCString())
      .header('cache-control', cacheControl)
      .header('accept-ranges', 'bytes')
      .header('x-content-type-options', 'nosniff')
      .header('content-security-policy', "default-src 'none'; sandbox")
      .header('content-disposition', contentDisposition(image.filename, variant.contentType));
    if (notModified(header(request, 'if-none-match'), etag)) {
      await reply.status(304).send();
      return;
    }
    const range = rangeOf(header(request, 'range'), variant.bytes, header(request, 'if-range'), etag);
    if (range.kind === 'unsatisfiable') {
      void reply.header('content-range', `bytes */${variant.bytes}`);
      throw new DomainError(ImagesErrors.rangeNotSatisfiable, ErrorKind.RangeNotSatisfiable, `The content is ${variant.bytes} bytes long`);
    }
    void reply.header('content-type', variant.contentType);
    // small renditions from memory when read recently, larger ones streamed from GridFS
    const small = variant.bytes <= CACHED_FILE_MAX_BYTES ? await this.store.whole(variant.fileId) : null;
    if (range.kind === 'partial') {
      await reply
        .status(206)
        .header('content-range', `bytes ${range.start}-${range.end}/${variant.bytes}`)
        .header('content-length', String(range.end - range.start + 1))
        .send(small ? small.subarray(range.start, range.end + 1) : await this.store.open(variant.fileId, range));
      return;
    }
    await reply.status(200).header('content-length', String(variant.bytes)).send(small ?? (await this.store.open(variant.fileId)));
  }
}

function header(request: FastifyRequest, name: string): string | undefined {
  const value = request.headers[name];
  return typeof value === 'string' ? value : undefined;
}

function contentQuery(query: Record<string, unknown>): { variant: ImageVariantName; format?: (typeof IMAGE_FORMATS)[number] } {
  const variant = query['variant'] ?? 'original';
  const format = query['format'];
  const details = [
    ...(typeof variant === 'string' && (IMAGE_VARIANTS as readonly string[]).includes(variant) ? [] : [{ field: 'variant', constraints: { isIn: `variant must be one of ${IMAGE_VARIANTS.join(', ')}` } }]),
    ...(format === undefined || isFormat(format, IMAGE_FORMATS) ? [] : [{ field: 'format', constraints: { isIn: `format must be one of ${IMAGE_FORMATS.join(', ')}` } }]),
  ];
  if (details.length > 0) throw new DomainError(CommonErrors.validation, ErrorKind.InvalidArgument, 'Invalid content query', details);
  return { variant: variant as ImageVariantName, ...(format === undefined ? {} : { format: format as (typeof IMAGE_FORMATS)[number] }) };
}
