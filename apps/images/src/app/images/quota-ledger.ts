import { Injectable } from '@nestjs/common';
import { InjectConnection } from '@nestjs/mongoose';
import { DomainError, ErrorKind, ImagesErrors } from '@site11/contracts';
import { isDuplicateKey } from '@site11/persistence';
import type { Connection } from 'mongoose';
import { ImagesConfig } from '../images.config';

interface OwnerUsage {
  _id: string;
  /** Stored bytes plus what uploads in flight have reserved. */
  bytes: number;
  updatedAt: Date;
}

/**
 * Each owner's stored bytes against the quota, reserved before anything is stored: one
 * conditional update per reservation (`bytes ≤ quota − n`, upserted), so any number of
 * concurrent uploads of one owner, on any number of replicas, together never pass the quota.
 * Released when an upload fails, an image is deleted, a conversion loses its race. What a crash
 * leaves reserved is corrected by `reconcile` (the orphan sweep), from the images themselves.
 */
@Injectable()
export class QuotaLedger {
  constructor(
    @InjectConnection() private readonly connection: Connection,
    private readonly config: ImagesConfig,
  ) {}

  private get usage() {
    return this.connection.collection<OwnerUsage>('usage');
  }

  /** Takes `bytes` of the owner's quota, or refuses with 413 IMAGES.QUOTA_EXCEEDED; a negative amount gives back. */
  async reserve(ownerId: string, bytes: number): Promise<void> {
    if (bytes <= 0) return this.release(ownerId, -bytes);
    const quota = this.config.IMAGES_QUOTA_BYTES;
    if (bytes > quota) throw await this.exceeded(ownerId, bytes);
    const room = { _id: ownerId, bytes: { $lte: quota - bytes } };
    const take = { $inc: { bytes }, $set: { updatedAt: new Date() } };
    try {
      // no document yet: inserted with `bytes`
      await this.usage.updateOne(room, take, { upsert: true });
    } catch (error) {
      if (!isDuplicateKey(error)) throw error;
      // the upsert's insert met a document with this _id: one with too little room, or one that a
      // concurrent first reservation just inserted; the conditional update alone tells which
      const { matchedCount } = await this.usage.updateOne(room, take);
      if (matchedCount === 0) throw await this.exceeded(ownerId, bytes);
    }
  }

  async release(ownerId: string, bytes: number): Promise<void> {
    if (bytes <= 0) return;
    await this.usage.updateOne({ _id: ownerId }, { $inc: { bytes: -bytes }, $set: { updatedAt: new Date() } });
  }

  async used(ownerId: string): Promise<number> {
    return (await this.usage.findOne({ _id: ownerId }))?.bytes ?? 0;
  }

  /**
   * Sets each owner's usage to what their live images hold, for owners whose usage has not moved
   * since `before` (so no upload of theirs is in flight): a reservation a crash never released
   * comes back. Returns how many were corrected.
   */
  async reconcile(actual: Map<string, number>, before: Date): Promise<number> {
    let corrected = 0;
    for (const entry of await this.usage.find({ updatedAt: { $lt: before } }).toArray()) {
      const bytes = actual.get(entry._id) ?? 0;
      if (bytes === entry.bytes) continue;
      const { modifiedCount } = await this.usage.updateOne({ _id: entry._id, updatedAt: entry.updatedAt }, { $set: { bytes } });
      corrected += modifiedCount;
    }
    return corrected;
  }

  private async exceeded(ownerId: string, bytes: number): Promise<DomainError> {
    const quota = this.config.IMAGES_QUOTA_BYTES;
    const left = Math.max(0, quota - (await this.used(ownerId)));
    return new DomainError(ImagesErrors.quotaExceeded, ErrorKind.PayloadTooLarge, `This needs ${bytes} bytes; ${left} of your ${quota} are left`);
  }
}
