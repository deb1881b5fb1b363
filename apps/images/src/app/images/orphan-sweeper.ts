import { Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import type { ImageSweepResultDto } from '@site11/contracts';
import { Model, type Types } from 'mongoose';
import { ImagesConfig } from '../images.config';
import { ImageStore } from '../storage/image-store';
import { Image } from './image.schema';
import { QuotaLedger } from './quota-ledger';
import { UsageService } from './usage.service';

/**
 * Storage management: removes stored files that no image refers to (an upload that died between
 * storing its files and inserting its image, a delete whose file removal failed, a conversion
 * that lost a race) and chunks whose file was never completed. Only what is older than
 * IMAGES_ORPHAN_GRACE_MS, so an upload in progress is never touched. Runs every
 * IMAGES_ORPHAN_SWEEP_MS in each replica (two sweeps at once remove the same files: harmless),
 * and on an admin's request (`images.storage.sweep-orphans`).
 */
@Injectable()
export class OrphanSweeper implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(OrphanSweeper.name);
  private timer?: NodeJS.Timeout;
  private running?: Promise<ImageSweepResultDto>;
  /** Chunks written before this were looked at by an earlier sweep of this process. */
  private chunksSweptUpTo: Date | null = null;

  constructor(
    @InjectModel(Image.name) private readonly images: Model<Image>,
    private readonly store: ImageStore,
    private readonly config: ImagesConfig,
    private readonly ledger: QuotaLedger,
    private readonly usage: UsageService,
  ) {}

  onApplicationBootstrap(): void {
    if (this.config.IMAGES_ORPHAN_SWEEP_MS === 0) return;
    this.timer = setInterval(() => {
      this.sweep().catch((error: unknown) => this.logger.warn(`orphan sweep failed: ${error instanceof Error ? error.message : String(error)}`));
    }, this.config.IMAGES_ORPHAN_SWEEP_MS);
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    clearInterval(this.timer);
  }

  /** One sweep; a sweep asked for while one runs gets that one's result. */
  sweep(): Promise<ImageSweepResultDto> {
    this.running ??= this.sweepOnce().finally(() => (this.running = undefined));
    return this.running;
  }

  private async sweepOnce(): Promise<ImageSweepResultDto> {
    const before = new Date(Date.now() - this.config.IMAGES_ORPHAN_GRACE_MS);
    let files = 0;
    let after: Types.ObjectId | null = null;
    for (;;) {
      const batch = await this.store.filesBefore(before, after, 500);
      if (batch.length === 0) break;
      after = batch[batch.length - 1]!;
      // any image document, deleted or not: a tombstone's files go with its delete
      const referenced = await this.images.find({ fileIds: { $in: batch } }).select('fileIds').lean<Array<{ fileIds: Types.ObjectId[] }>>().exec();
      const used = new Set(referenced.flatMap(({ fileIds }) => fileIds.map(String)));
      const orphans = batch.filter((id) => !used.has(String(id)));
      await this.store.remove(orphans);
      files += orphans.length;
    }
    // chunks: only those written since the last sweep's window (the first sweep of a process reads all)
    const chunks = await this.store.removeChunksWithoutFile(this.chunksSweptUpTo, before);
    this.chunksSweptUpTo = before;
    // usage a crash left reserved, given back (owners with no upload in flight since `before`)
    const corrected = await this.ledger.reconcile(await this.usage.storedByOwner(), before);
    if (files + chunks + corrected > 0) this.logger.log(`orphan sweep removed ${files} files and ${chunks} chunks, corrected ${corrected} usages`);
    return { files, chunks };
  }
}
