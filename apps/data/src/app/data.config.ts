import { ServiceConfig } from '@site11/config';
import { IsInt, IsString, Matches, Max, Min } from 'class-validator';

export class DataConfig extends ServiceConfig {
  @Matches(/^[A-Za-z0-9_-]{1,63}$/, { message: 'DATA_DB_NAME must be 1-63 letters, digits, _ or -' })
  DATA_DB_NAME = 'data_db';

  /**
   * Also the port of the data files (`/internal/data/...`): the gateway streams imports,
   * exports and rejected rows here instead of through the message transport (docs/data.md).
   * Reachable by the gateway only; every request carries the caller's access token, verified here.
   */
  override HEALTH_PORT = 3105;

  /** Largest import; a larger one is refused while it streams in (413 DATA.TOO_LARGE). */
  @IsInt()
  @Min(1024)
  DATA_MAX_UPLOAD_BYTES: number = 200 * 1024 * 1024;

  /** Most columns an import may have (422 DATA.TOO_MANY_COLUMNS before any row is read). */
  @IsInt()
  @Min(1)
  @Max(10_000)
  DATA_MAX_COLUMNS: number = 1000;

  /** Largest value of one cell, bytes; a larger one rejects its row (rule max-size). */
  @IsInt()
  @Min(1024)
  DATA_MAX_CELL_BYTES: number = 1024 * 1024;

  /** Longest record (row, object, line) the parser holds; past it the file is unreadable there (the job fails). */
  @IsInt()
  @Min(64 * 1024)
  DATA_MAX_RECORD_BYTES: number = 16 * 1024 * 1024;

  /** Most rows an import may read; the job fails past it. */
  @IsInt()
  @Min(1)
  DATA_MAX_ROWS: number = 10_000_000;

  /** Where uploads wait for their import job (a local directory; the job runs on the instance that received it). */
  @IsString()
  DATA_SPOOL_DIR: string = '';

  /** Import jobs this instance runs at once; more wait, queued. */
  @IsInt()
  @Min(1)
  @Max(16)
  DATA_IMPORT_CONCURRENCY: number = 2;

  /**
   * An import job's lease, ms: its instance renews it every quarter of this; a job whose lease ran
   * out (its instance died) is failed by any instance, and its rows dropped.
   */
  @IsInt()
  @Min(1000)
  DATA_IMPORT_LEASE_MS: number = 60_000;

  /** Imports one user may have queued or running at once (each holds its upload on disk); more get 429 DATA.TOO_MANY_IMPORTS. */
  @IsInt()
  @Min(1)
  DATA_MAX_IMPORTS_PER_USER: number = 4;

  /** Versions kept per dataset, the current one included; older ones (and their rows) are removed. */
  @IsInt()
  @Min(1)
  @Max(100)
  DATA_VERSIONS_KEPT: number = 5;

  /** Import jobs kept per dataset (with their rejected rows); older ones are removed. */
  @IsInt()
  @Min(1)
  DATA_JOBS_KEPT: number = 20;

  /** Time budget of one transformation run over a whole dataset, ms. */
  @IsInt()
  @Min(100)
  DATA_TRANSFORM_BUDGET_MS: number = 5 * 60 * 1000;

  /** Rows a `sort` or `dedupe` step may hold in memory (the rest is streamed). */
  @IsInt()
  @Min(1)
  DATA_TRANSFORM_MAX_HELD_ROWS: number = 200_000;

  /** Bytes (about) a `sort` or `dedupe` step may hold in memory, whatever the number of rows: wide rows reach it first. */
  @IsInt()
  @Min(1024 * 1024)
  DATA_TRANSFORM_MAX_HELD_BYTES: number = 48 * 1024 * 1024;
}
