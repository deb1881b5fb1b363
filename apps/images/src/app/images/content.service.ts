import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { type Actor, CommonErrors, DomainError, ErrorKind, type ImageFormat, type ImageVariantName } from '@site11/contracts';
import { LIVE } from '@site11/persistence';
import { Model, Types } from 'mongoose';
import { ImageStore, type StoredFile } from '../storage/image-store';
import { ImageCache } from './image-cache';
import { QuotaLedger } from './quota-ledger';
import { CONTENT_TYPES, ImageProcessing } from './image-processing';
import { Image, type StoredVariant } from './image.schema';
import { ImageNotFoundError } from './images.errors';
import { ImagesService } from './images.service';

export interface ContentTarget {
  image: Image;
  variant: StoredVariant;
}

/**
 * Which stored bytes answer a content request: the size asked for, in the format asked for.
 * A format other than the stored one is converted on the first request, stored beside the size
 * (counted in the owner's usage) and served from storage after that; concurrent first requests
 * in one process share one conversion, and across replicas only the first conversion is kept.
 */
@Injectable()
export class ContentService {
  private readonly converting = new Map<string, Promise<StoredVariant>>();

  constructor(
    @InjectModel(Image.name) private readonly images: Model<Image>,
    private readonly imagesService: ImagesService,
    private readonly store: ImageStore,
    private readonly processing: ImageProcessing,
    private readonly cache: ImageCache,
    private readonly ledger: QuotaLedger,
  ) {}

  /** For its owner or an admin. */
  async forCaller(id: string, actor: Actor, name: ImageVariantName, format?: ImageFormat): Promise<ContentTarget> {
    const image = await this.cache.byIdOr(id, () => this.images.findOne({ _id: new Types.ObjectId(id) }).lean<Image>().exec());
    if (!image || image.deletedAt) throw new ImageNotFoundError(id);
    return this.pick(this.imagesService.authorize(image, actor), name, format);
  }

  /** For anyone holding the public link of a public image; a private or deleted one is not found. */
  async forPublicLink(token: string, name: ImageVariantName, format?: ImageFormat): Promise<ContentTarget> {
    const image = await this.cache.byTokenOr(token, () => this.images.findOne({ publicToken: token, ...LIVE }).lean<Image>().exec());
    if (!image || image.deletedAt || image.visibility !== 'public' || image.publicToken !== token) throw new ImageNotFoundError('behind this link');
    const target = await this.pick(image, name, format, { convertOriginal: false });
    return target;
  }

  /**
   * `convertOriginal: false` (public links): the original only in its own format. Converting a
   * 40 MP original takes seconds and hundreds of MB, and is stored against its owner's quota:
   * that is for its owner to ask, not for anyone holding a link.
   */
  private async pick(image: Image, name: ImageVariantName, format?: ImageFormat, options: { convertOriginal?: boolean } = {}): Promise<ContentTarget> {
    const base = image.variants.find((variant) => variant.name === name && !variant.converted);
    if (!base) throw new ImageNotFoundError(image._id.toHexString());
    const contentType = format ? CONTENT_TYPES[format] : base.contentType;
    if (contentType === base.contentType) return { image, variant: base };
    const key = `${name}/${contentType}`;
    const cached = image.variants.find((variant) => variant.key === key);
    if (cached) return { image, variant: cached };
    if (options.convertOriginal === false && name === 'original') {
      throw new DomainError(CommonErrors.validation, ErrorKind.InvalidArgument, 'Through a public link the original comes in its own format; ask for a size (thumb, medium, large) to convert', [
        { field: 'format', constraints: { publicOriginal: 'the original is not converted through a public link' } },
      ]);
    }
    const inFlight = `${image._id.toHexString()}/${key}`;
    let conversion = this.converting.get(inFlight);
    if (!conversion) {
      conversion = this.convert(image, base, format as ImageFormat, key).finally(() => this.converting.delete(inFlight));
      this.converting.set(inFlight, conversion);
    }
    return { image, variant: await conversion };
  }

  private async convert(image: Image, base: StoredVariant, format: ImageFormat, key: string): Promise<StoredVariant> {
    const rendered = await this.processing.convert(await this.store.whole(base.fileId), format);
    // stored with the image, so counted in its owner's quota like the rest
    await this.ledger.reserve(image.ownerId, rendered.data.length);
    let file: StoredFile | undefined;
    try {
      file = await this.store.put(rendered.data, `${key.replace('/', '.')}`, { ownerId: image.ownerId, contentType: rendered.contentType });
      const variant: StoredVariant = {
        name: base.name,
        key,
        contentType: rendered.contentType,
        width: rendered.width,
        height: rendered.height,
        bytes: file.bytes,
        fileId: file.fileId,
        sha256: file.sha256,
        converted: true,
        createdAt: new Date(),
      };
      // kept only if no replica got there first ($ne on an array: no element has this key)
      const { matchedCount } = await this.images
        .updateOne({ _id: image._id, ...LIVE, 'variants.key': { $ne: key } }, { $push: { variants: variant, fileIds: file.fileId }, $inc: { storedBytes: file.bytes } })
        .exec();
      this.cache.forget(image._id.toHexString());
      if (matchedCount === 1) return variant;
    } catch (error) {
      await this.ledger.release(image.ownerId, rendered.data.length);
      if (file) await this.store.remove([file.fileId]).catch(() => undefined);
      throw error;
    }
    await this.ledger.release(image.ownerId, rendered.data.length);
    await this.store.remove([file.fileId]);
    const current = await this.images.findOne({ _id: image._id }).lean<Image>().exec();
    const kept = current && !current.deletedAt ? current.variants.find((candidate) => candidate.key === key) : undefined;
    if (!kept) throw new ImageNotFoundError(image._id.toHexString());
    return kept;
  }
}
