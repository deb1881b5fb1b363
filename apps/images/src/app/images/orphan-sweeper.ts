import { Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import type { ImageSweepResultDto } from '@site11/contracts';
import { Model, type Types } from 'mongoose';
import { ImagesConfig } from '../images.config';
import { ImageStore } from '../storage/image-store';
import { Image } from './image.schema';

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

  constructor(
    @InjectModel(Image.name) private readonly images: Model<Image>,
    private readonly store: ImageStore,
    private readonly config: ImagesConfig,
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
    const chunks = await this.store.removeChunksWithoutFile(before);
    if (files + chunks > 0) this.logger.log(`orphan sweep removed ${files} files and ${chunks} chunks`);
    return { files, chunks };
  }
}
