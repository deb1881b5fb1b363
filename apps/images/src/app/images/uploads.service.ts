import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import {
  type Actor,
  CommonErrors,
  DomainError,
  ErrorKind,
  IMAGE_VARIANT_SIZES,
  IMAGE_VARIANTS,
  type ImageDto,
  ImagesEvents,
  type ImageVisibility,
} from '@site11/contracts';
import { unauthenticated } from '@site11/auth';
import { isDuplicateKey, OutboxRelay, outboxEvent, withOutbox } from '@site11/persistence';
import { Model, Types } from 'mongoose';
import { createHash } from 'node:crypto';
import { DeletedOwners } from './deleted-owners';
import { newPublicToken } from './public-token';
import { ImageStore, type StoredFile } from '../storage/image-store';
import { type StoredImage, toImageDto } from './image.mapper';
import { ImageProcessing, type Rendered } from './image-processing';
import { Image, type StoredVariant } from './image.schema';
import { QuotaLedger } from './quota-ledger';

export interface ReceivedUpload {
  data: Buffer;
  /** As sent, already made safe (sanitizeFilename). */
  filename: string;
  visibility?: ImageVisibility;
}


/**
 * Uploading an image: the bytes are checked (type from the signature, pixel count from the
 * header, a full decode), turned upright and stripped of EXIF/GPS, sized (large, medium, thumb
 * as WebP) and stored in GridFS, then the image and its `images.image.uploaded` event are one
 * insert. The same file uploaded again by its owner is the same image (`created: false`), also
 * when both uploads run at once (a unique key decides). Nothing is half-written: files stored
 * for an upload that then fails are removed, and what a crash leaves the orphan sweep removes.
 */
@Injectable()
export class UploadsService {
  constructor(
    @InjectModel(Image.name) private readonly images: Model<Image>,
    private readonly store: ImageStore,
    private readonly processing: ImageProcessing,
    private readonly ledger: QuotaLedger,
    private readonly outbox: OutboxRelay,
    private readonly owners: DeletedOwners,
  ) {}

  /**
   * `wanted` tells whether the caller still waits: a gateway that gave up (its deadline passed)
   * gets nothing stored, so its client's retry is the one upload that counts.
   */
  async upload(upload: ReceivedUpload, actor: Actor, requestId = 'images', wanted: () => boolean = () => true): Promise<{ created: boolean; image: ImageDto }> {
    const sha256 = createHash('sha256').update(upload.data).digest('hex');
    const dedupeKey = `${actor.sub}:${sha256}`;
    const existing = await this.images.findOne({ dedupeKey }).lean<StoredImage>().exec();
    if (existing) return { created: false, image: toImageDto(existing) };

    const inspected = await this.processing.inspect(upload.data);
    // the upload's size is taken from the quota before any work, the exact stored size after
    await this.ledger.reserve(actor.sub, upload.data.length);
    let reserved = upload.data.length;
    const files: StoredFile[] = [];
    try {
      const original = await this.processing.original(upload.data, inspected);
      // each size from the next larger one (three small decodes instead of three of the original);
      // a size at least as large as the original is the original itself: nothing enlarged or encoded twice
      const longest = Math.max(original.width, original.height);
      const renditions: Array<[StoredVariant['name'], Rendered]> = [['original', original]];
      let source = original;
      for (const name of ['large', 'medium', 'thumb'] as const) {
        if (IMAGE_VARIANT_SIZES[name] >= longest) continue;
        source = await this.processing.variant(source.data, IMAGE_VARIANT_SIZES[name], original);
        renditions.push([name, source]);
      }
      // nothing decoded the whole file yet (a small image kept as it came): decode it now, or a
      // truncated one would be stored
      if (renditions.length === 1 && original.data === upload.data) await this.processing.verify(upload.data);
      const storedBytes = renditions.reduce((sum, [, rendered]) => sum + rendered.data.length, 0);
      await this.ledger.reserve(actor.sub, storedBytes - reserved);
      reserved = storedBytes;
      if (!wanted()) throw new DomainError(CommonErrors.deadlineExceeded, ErrorKind.DeadlineExceeded, 'The caller stopped waiting; nothing was stored');

      for (const [name, rendered] of renditions) {
        files.push(await this.store.put(rendered.data, `${name}-${upload.filename}`, { ownerId: actor.sub, contentType: rendered.contentType }));
      }
      const now = new Date();
      const entry = (i: number, name: StoredVariant['name']): StoredVariant => {
        const [, rendered] = renditions[i] as [StoredVariant['name'], Rendered];
        const file = files[i] as StoredFile;
        return {
          name,
          key: `${name}/${rendered.contentType}`,
          contentType: rendered.contentType,
          width: rendered.width,
          height: rendered.height,
          bytes: rendered.data.length,
          fileId: file.fileId,
          sha256: file.sha256,
          createdAt: now,
        };
      };
      const variants: StoredVariant[] = IMAGE_VARIANTS.map((name) => {
        const index = renditions.findIndex(([made]) => made === name);
        // not made: the original stands for this size
        return index >= 0 ? entry(index, name) : { ...entry(0, 'original'), name, key: `${name}/${original.contentType}` };
      });
    const _id = new Types.ObjectId();
      const event = outboxEvent(
        ImagesEvents.uploaded,
        { id: _id.toHexString(), ownerId: actor.sub, contentType: inspected.contentType, bytes: original.data.length, storedBytes, width: original.width, height: original.height },
        requestId,
      );
      const created = await this.images.create({
        _id,
        ownerId: actor.sub,
        filename: upload.filename,
        filenameLower: upload.filename.toLowerCase(),
        contentType: inspected.contentType,
        bytes: original.data.length,
        storedBytes,
        width: original.width,
        height: original.height,
        sha256,
        dedupeKey,
        variants,
        fileIds: files.map(({ fileId }) => fileId),
        visibility: upload.visibility ?? 'private',
        publicToken: newPublicToken(),
        ...withOutbox(event),
      });
      await this.outbox.publishOrDefer(this.images, _id, [event]);
      const { outbox: _outbox, outboxAt: _at, outboxLast: _last, ...stored } = created.toObject();
      // the account was deleted while this upload ran (its users.deleted already handled): the
      // image goes the way the account's other images went
      if (await this.owners.isDeleted(actor.sub)) {
        await this.owners.afterLateUpload(actor.sub, requestId);
        throw unauthenticated();
      }
      return { created: true, image: toImageDto(stored) };
    } catch (error) {
      await this.ledger.release(actor.sub, reserved).catch(() => undefined);
      await this.store.remove(files.map(({ fileId }) => fileId)).catch(() => undefined);
      if (isDuplicateKey(error)) {
        // the same file, uploaded at the same moment by the same owner: that one is the image
        const winner = await this.images.findOne({ dedupeKey }).lean<StoredImage>().exec();
        if (winner) return { created: false, image: toImageDto(winner) };
      }
      throw error;
    }
  }
}
