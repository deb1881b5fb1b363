import { Injectable, type OnModuleInit } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import {
  type Actor,
  type ImageDto,
  ImagesEvents,
  IMAGES_PAGE_DEFAULT_LIMIT,
  isAdmin,
  type ListImagesQueryDto,
  type Page,
  type UpdateImageCommand,
} from '@site11/contracts';
import { forbidden, listedOwner } from '@site11/auth';
import { KeysetPage, LIVE, OutboxRelay, outboxEvent, prefixRange, pushOutbox } from '@site11/persistence';
import { Model, Types } from 'mongoose';
import { ImageStore } from '../storage/image-store';
import { ImageCache } from './image-cache';
import { QuotaLedger } from './quota-ledger';
import { Image } from './image.schema';
import { type StoredImage, toImageDto } from './image.mapper';
import { ImageNotFoundError } from './images.errors';
import { newPublicToken } from './public-token';

/**
 * An uploaded image's life: read, renamed, made public or private and deleted by its owner or
 * an admin; removed with its owner's account (`users.deleted`). Whose it is, is checked here:
 * the gateway cannot know. Each change and its event are one write; the outbox relay publishes
 * the event after it. A database outage leaves every method as SERVICE_UNAVAILABLE.
 */
@Injectable()
export class ImagesService implements OnModuleInit {
  constructor(
    @InjectModel(Image.name) private readonly images: Model<Image>,
    private readonly store: ImageStore,
    private readonly outbox: OutboxRelay,
    private readonly cache: ImageCache,
    private readonly ledger: QuotaLedger,
  ) {}

  /** Indexes must exist before the first write; the relay sweeps what a crash left unpublished. */
  async onModuleInit(): Promise<void> {
    await this.images.init();
    this.outbox.watch(this.images);
  }

  /**
   * One page of images, newest last: the caller's own; everyone's with `scope=all`, one user's
   * with `ownerId`, both for admins only; with `q`, those whose file name starts with it.
   */
  async list(query: ListImagesQueryDto, actor: Actor): Promise<Page<ImageDto>> {
    const ownerId = listedOwner(query, actor, 'images');
    const page = new KeysetPage(query, IMAGES_PAGE_DEFAULT_LIMIT);
    // one plain filter: FerretDB pushes it down to SQL, an $and it does not
    const filter = { ...LIVE, ...page.filter, ...(ownerId ? { ownerId } : {}), ...prefixRange('filenameLower', query.q) };
    const found = await this.images.find(filter).sort({ _id: 1 }).limit(page.fetch).lean<StoredImage[]>().exec();
    return page.page(found, toImageDto);
  }

  async findById(id: string, actor: Actor): Promise<ImageDto> {
    return toImageDto(await this.owned(id, actor));
  }

  /**
   * Renames the image or changes who may read it, with its `images.image.updated` event in the
   * same update. Going private replaces the public link's token, so a link once shared stays dead
   * when the image is made public again.
   */
  async update(command: UpdateImageCommand, actor: Actor, requestId = 'images'): Promise<ImageDto> {
    const image = await this.owned(command.id, actor);
    const set: Record<string, unknown> = {};
    if (command.filename !== undefined && command.filename !== image.filename) {
      Object.assign(set, { filename: command.filename, filenameLower: command.filename.toLowerCase() });
    }
    if (command.visibility !== undefined && command.visibility !== image.visibility) {
      set['visibility'] = command.visibility;
      if (command.visibility === 'private') set['publicToken'] = newPublicToken();
    }
    const changed = Object.keys(set).filter((field) => field === 'filename' || field === 'visibility');
    if (changed.length > 0) {
      const event = outboxEvent(ImagesEvents.updated, { id: command.id, ownerId: image.ownerId, changed }, requestId);
      const { matchedCount } = await this.images.updateOne({ _id: image._id, ...LIVE }, pushOutbox(event, set), { runValidators: true }).exec();
      this.cache.forget(command.id);
      if (matchedCount === 0) throw new ImageNotFoundError(command.id);
      await this.outbox.publishOrDefer(this.images, image._id);
    }
    return this.findById(command.id, actor);
  }

  /**
   * Marks the image deleted and records `images.image.deleted` in one update, publishes the
   * event (which also removes the document), then removes its files. Files a crash leaves
   * behind belong to no image and go with the orphan sweep.
   */
  async remove(id: string, actor: Actor, requestId = 'images'): Promise<void> {
    const image = await this.owned(id, actor, { tombstone: true });
    // a redelivered delete whose first run crashed before publishing finds its own tombstone
    if (image.deletedAt) return this.outbox.publishOrDefer(this.images, image._id);
    await this.tombstone(image, requestId);
  }

  /**
   * What happens to a deleted user's images: they are deleted, not reassigned (they were theirs
   * alone, and may be private photos). Each goes as its owner's delete would, with its
   * `images.image.deleted` event; a redelivered `users.deleted` finds only what is still live.
   */
  async removeOwnedBy(ownerId: string, requestId = 'images'): Promise<number> {
    let removed = 0;
    for (;;) {
      const batch = await this.images.find({ ownerId, ...LIVE }).limit(100).lean<Image[]>().exec();
      if (batch.length === 0) return removed;
      for (const image of batch) removed += await this.tombstone(image, requestId);
    }
  }

  /** The image, if the caller owns it or is an admin; a tombstone only when asked for. */
  async owned(id: string, actor: Actor, options: { tombstone?: boolean } = {}): Promise<Image> {
    // by _id alone, the tombstone checked here: FerretDB answers a filter of just `_id` from its
    // primary key and scans the collection for anything more
    const image = await this.images.findOne({ _id: new Types.ObjectId(id) }).lean<Image>().exec();
    if (!image || (image.deletedAt && !options.tombstone)) throw new ImageNotFoundError(id);
    return this.authorize(image, actor);
  }

  /** The image, if the caller owns it or is an admin. */
  authorize(image: Image, actor: Actor): Image {
    if (image.ownerId !== actor.sub && !isAdmin(actor)) throw forbidden('This image belongs to someone else');
    return image;
  }

  /** Marks one image deleted with its event (freeing its dedupe key), publishes, removes its files; 1 if this call deleted it. */
  private async tombstone(image: Image, requestId: string): Promise<number> {
    const { _id, ownerId } = image;
    const event = outboxEvent(ImagesEvents.deleted, { id: _id.toHexString(), ownerId, storedBytes: image.storedBytes }, requestId);
    const { modifiedCount } = await this.images
      .updateOne({ _id, ...LIVE }, pushOutbox(event, { deletedAt: event.occurredAt, dedupeKey: `deleted:${_id.toHexString()}`, publicToken: `deleted:${_id.toHexString()}` }))
      .exec();
    this.cache.forget(_id.toHexString());
    // from the document: an earlier event still waiting there goes out first, in order
    await this.outbox.publishOrDefer(this.images, _id);
    if (modifiedCount === 1) {
      await this.ledger.release(ownerId, image.storedBytes);
      await this.store.remove(image.fileIds).catch(() => undefined);
    }
    return modifiedCount;
  }
}
