import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import type { ImageOwnerUsageDto, ImageStatsDto, ImageUsageDto } from '@site11/contracts';
import { LIVE } from '@site11/persistence';
import { Model } from 'mongoose';
import { ImagesConfig } from '../images.config';
import { ImageStore } from '../storage/image-store';
import { Image } from './image.schema';
import { QuotaLedger } from './quota-ledger';

/**
 * What is stored, per owner and in all: summed from the images themselves ($group, which
 * FerretDB runs), so there is no counter to drift from the truth.
 */
@Injectable()
export class UsageService {
  constructor(
    @InjectModel(Image.name) private readonly images: Model<Image>,
    private readonly store: ImageStore,
    private readonly config: ImagesConfig,
    private readonly ledger: QuotaLedger,
  ) {}

  /** Bytes each owner's live images hold, from the images themselves. */
  async storedByOwner(): Promise<Map<string, number>> {
    return new Map((await this.sum({}, '$ownerId', '$storedBytes')).map(({ _id, value }) => [String(_id), value]));
  }

  async of(ownerId: string): Promise<ImageUsageDto> {
    // the quota's own count: stored bytes and what uploads in flight have reserved
    const [count, bytes] = await Promise.all([this.images.countDocuments({ ownerId, ...LIVE }).exec(), this.ledger.used(ownerId)]);
    const quotaBytes = this.config.IMAGES_QUOTA_BYTES;
    return { ownerId, count, bytes, quotaBytes, remainingBytes: Math.max(0, quotaBytes - bytes) };
  }

  async stats(): Promise<ImageStatsDto> {
    const [counts, bytesByOwner, types] = await Promise.all([this.sum({}, '$ownerId', 1), this.sum({}, '$ownerId', '$storedBytes'), this.sum({}, '$contentType', 1)]);
    const bytesOf = new Map(bytesByOwner.map(({ _id, value }) => [_id, value]));
    const byOwner: ImageOwnerUsageDto[] = counts
      .map(({ _id, value }) => ({ ownerId: String(_id), count: value, bytes: bytesOf.get(_id) ?? 0 }))
      .sort((a, b) => b.bytes - a.bytes || a.ownerId.localeCompare(b.ownerId));
    const stored = await this.store.totals();
    return {
      count: byOwner.reduce((sum, owner) => sum + owner.count, 0),
      bytes: byOwner.reduce((sum, owner) => sum + owner.bytes, 0),
      owners: byOwner.length,
      byOwner: byOwner.slice(0, 100),
      byContentType: Object.fromEntries(types.map(({ _id, value }) => [String(_id), value])),
      storedFiles: stored.files,
      storedBytes: stored.bytes,
    };
  }

  /**
   * One `$sum` over live images, grouped. One accumulator per `$group`: FerretDB 1.24 computes
   * only the first accumulator of a `$group` and answers 0 for the others (found here; see
   * docs/images.md), so counts and byte sums are separate queries.
   */
  private sum(match: Record<string, unknown>, by: string | null, value: 1 | string): Promise<Array<{ _id: string | null; value: number }>> {
    return this.images.aggregate<{ _id: string | null; value: number }>([{ $match: { ...match, ...LIVE } }, { $group: { _id: by, value: { $sum: value } } }]).exec();
  }
}
