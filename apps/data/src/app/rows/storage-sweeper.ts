import { Injectable, Logger, type OnApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import { DatasetsService } from '../datasets/datasets.service';
import { ImportsService } from '../imports/imports.service';
import { RowStore } from './row-store';

const FIRST_SWEEP_MS = 30_000;
const SWEEP_MS = 60 * 60 * 1000;

/**
 * Removes rows nothing refers to, which a crash can leave: every row collection of a dataset
 * that no longer exists (the delete stopped between its event and dropping them); versions of
 * a live dataset that are not kept and older than its newest kept version (a failed run that
 * could not clean up — work still in flight on such a version cannot commit anyway, as a newer
 * version was committed after it started); rejected rows of jobs that are gone.
 */
@Injectable()
export class StorageSweeper implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(StorageSweeper.name);
  private timers: NodeJS.Timeout[] = [];

  constructor(
    private readonly store: RowStore,
    private readonly datasets: DatasetsService,
    private readonly imports: ImportsService,
  ) {}

  onApplicationBootstrap(): void {
    const run = () => void this.sweep().catch((error) => this.logger.warn(`storage sweep failed: ${String(error)}`));
    this.timers = [setTimeout(run, FIRST_SWEEP_MS), setInterval(run, SWEEP_MS)];
    this.timers.forEach((timer) => timer.unref());
  }

  onApplicationShutdown(): void {
    this.timers.forEach((timer) => clearTimeout(timer));
  }

  /** One pass; returns how many collections it dropped. */
  async sweep(): Promise<number> {
    // the collections first, then the datasets: a dataset made between the two reads is known
    const { rows, rejected } = await this.store.inventory();
    const known = await this.datasets.allVersions();
    let dropped = await this.imports.removeOrphanJobs(new Set(known.keys()));
    for (const [datasetId, versions] of rows) {
      const dataset = known.get(datasetId);
      const newestKept = dataset ? Math.max(0, ...dataset.versions) : Infinity;
      for (const version of versions) {
        if (dataset && (dataset.versions.includes(version) || version > newestKept)) continue;
        await this.store.dropRows(datasetId, version);
        dropped++;
      }
    }
    const jobs = await this.imports.existingJobIds(rejected);
    for (const jobId of rejected) {
      if (jobs.has(jobId)) continue;
      await this.store.dropRejected(jobId);
      dropped++;
    }
    if (dropped > 0) this.logger.log(`storage sweep dropped ${dropped} unreferenced collections`);
    return dropped;
  }
}
