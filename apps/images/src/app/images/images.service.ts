import { Injectable, type OnModuleInit } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import {
  type Actor,
  type CreateImageDto,
  isAdmin,
  type ListImagesQueryDto,
  type Page,
  type ImageDto,
  ImagesEvents,
  IMAGES_PAGE_DEFAULT_LIMIT,
  type UpdateImageCommand,
} from '@site11/contracts';
import { forbidden } from '@site11/auth';
import { KeysetPage, LIVE, OutboxRelay, outboxEvent, pushOutbox, withOutbox } from '@site11/persistence';
import { Model, Types } from 'mongoose';
import { Image } from './image.schema';
import { type StoredImage, toImageDto } from './image.mapper';
import { ImageNotFoundError } from './images.errors';

/**
 * `?q=` as a range on the lower-cased name: what an anchored regex becomes in MongoDB's index scan,
 * and what FerretDB (no regex pushdown) evaluates about twice as fast as the regex.
 */
function prefixOf(q: string | undefined): { nameLower?: { $gte: string; $lt: string } } {
  if (!q) return {};
  const prefix = q.toLowerCase();
  return { nameLower: { $gte: prefix, $lt: `${prefix}\uffff` } };
}

/**
 * The life of an image: created by a signed-in user, who owns it; read, changed and deleted
 * by its owner or an admin; removed with its owner's account (`users.deleted`). Whose it is, is
 * checked here: the gateway cannot know, and a service never trusts that it was asked correctly.
 * Each change and its event (`images.image.created`, `.updated`, `.deleted`) are one write;
 * the outbox relay publishes the event after it. A database outage leaves every method as
 * SERVICE_UNAVAILABLE (PersistenceModule's interceptor), so none wraps its queries.
 */
@Injectable()
export class ImagesService implements OnModuleInit {
  constructor(
    @InjectModel(Image.name) private readonly images: Model<Image>,
    private readonly outbox: OutboxRelay,
  ) {}

  /** Indexes must exist before the first write; the relay sweeps what a crash left unpublished. */
  async onModuleInit(): Promise<void> {
    await this.images.init();
    this.outbox.watch(this.images);
  }

  /** Creates an image of the caller and its `images.image.created` event in one insert, then publishes the event. */
  async create(dto: CreateImageDto, actor: Actor, requestId = 'images'): Promise<ImageDto> {
    const _id = new Types.ObjectId();
    const event = outboxEvent(ImagesEvents.created, { id: _id.toHexString(), ownerId: actor.sub, name: dto.name }, requestId);
    const created = await this.images.create({
      _id,
      ownerId: actor.sub,
      name: dto.name,
      nameLower: dto.name.toLowerCase(),
      description: dto.description ?? '',
      ...withOutbox(event),
    });
    const { outbox: _outbox, outboxAt: _at, outboxLast: _last, nameLower: _lower, ...stored } = created.toObject();
    await this.outbox.publishOrDefer(this.images, _id, [event]);
    return toImageDto(stored);
  }

  /**
   * One page of images: the caller's own; everyone's with `scope=all`, one user's with
   * `ownerId`, both for admins only; with `q`, those whose name starts with it (any case).
   */
  async list(query: ListImagesQueryDto, actor: Actor): Promise<Page<ImageDto>> {
    const ownerId = this.listedOwner(query, actor);
    const page = new KeysetPage(query, IMAGES_PAGE_DEFAULT_LIMIT);
    // one plain filter: FerretDB pushes it down to SQL, an $and it does not
    const filter = { ...LIVE, ...page.filter, ...(ownerId ? { ownerId } : {}), ...prefixOf(query.q) };
    const found = await this.images.find(filter).sort({ _id: 1 }).limit(page.fetch).lean<StoredImage[]>().exec();
    return page.page(found, toImageDto);
  }

  async findById(id: string, actor: Actor): Promise<ImageDto> {
    return toImageDto(await this.owned(id, actor));
  }

  /** Renames or describes the image, with its `images.image.updated` event in the same update. */
  async update(command: UpdateImageCommand, actor: Actor, requestId = 'images'): Promise<ImageDto> {
    const { _id, ownerId } = await this.owned(command.id, actor);
    const set: Record<string, unknown> = {};
    if (command.name !== undefined) Object.assign(set, { name: command.name, nameLower: command.name.toLowerCase() });
    if (command.description !== undefined) set['description'] = command.description;
    const changed = Object.keys(set).filter((field) => field !== 'nameLower');
    if (changed.length > 0) {
      const event = outboxEvent(ImagesEvents.updated, { id: command.id, ownerId, changed }, requestId);
      const { matchedCount } = await this.images.updateOne({ _id, ...LIVE }, pushOutbox(event, set), { runValidators: true }).exec();
      if (matchedCount === 0) throw new ImageNotFoundError(command.id);
      await this.outbox.publishOrDefer(this.images, _id);
    }
    return this.findById(command.id, actor);
  }

  /**
   * Marks the image deleted and records `images.image.deleted` in one update, then
   * publishes the event, which also removes the document.
   */
  async remove(id: string, actor: Actor, requestId = 'images'): Promise<void> {
    const image = await this.owned(id, actor, { tombstone: true });
    // a redelivered delete whose first run crashed before publishing finds its own tombstone
    if (image.deletedAt) return this.outbox.publishOrDefer(this.images, image._id);
    await this.tombstone(image._id, image.ownerId, requestId);
  }

  /**
   * What happens to a deleted user's images: they are removed, not anonymised (they were
   * theirs alone; kept without an owner, nobody could use them). Each goes as its owner's delete
   * would, with its `images.image.deleted` event. A redelivered `users.deleted` finds only
   * what is still live, so it is harmless. Returns how many were removed by this run.
   */
  async removeOwnedBy(ownerId: string, requestId = 'images'): Promise<number> {
    let removed = 0;
    for (;;) {
      const batch = await this.images.find({ ownerId, ...LIVE }).select('_id').limit(100).lean<{ _id: Types.ObjectId }[]>().exec();
      if (batch.length === 0) return removed;
      for (const { _id } of batch) removed += await this.tombstone(_id, ownerId, requestId);
    }
  }

  /** Whose images a list shows: the caller's; anyone's (`scope=all`) or one user's (`ownerId`) only to an admin. */
  private listedOwner({ scope, ownerId }: ListImagesQueryDto, actor: Actor): string | undefined {
    if (scope !== 'all' && ownerId === undefined) return actor.sub;
    if (!isAdmin(actor)) throw forbidden('Only an admin can list other users’ images');
    return ownerId;
  }

  /** The image, if the caller owns it or is an admin; a tombstone only when asked for. */
  private async owned(id: string, actor: Actor, options: { tombstone?: boolean } = {}): Promise<Image> {
    const filter = { _id: new Types.ObjectId(id), ...(options.tombstone ? {} : LIVE) };
    const image = await this.images.findOne(filter).lean<Image>().exec();
    if (!image) throw new ImageNotFoundError(id);
    if (image.ownerId !== actor.sub && !isAdmin(actor)) throw forbidden('This image belongs to someone else');
    return image;
  }

  /** Marks one image deleted with its event, then publishes; 1 if this call deleted it. */
  private async tombstone(_id: Types.ObjectId, ownerId: string, requestId: string): Promise<number> {
    const event = outboxEvent(ImagesEvents.deleted, { id: _id.toHexString(), ownerId }, requestId);
    const { modifiedCount } = await this.images.updateOne({ _id, ...LIVE }, pushOutbox(event, { deletedAt: event.occurredAt })).exec();
    // from the document: an earlier event still waiting there goes out first, in order
    await this.outbox.publishOrDefer(this.images, _id);
    return modifiedCount;
  }
}
