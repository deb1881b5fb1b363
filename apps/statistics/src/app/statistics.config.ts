import { ServiceConfig } from '@site11/config';
import { IsInt, Matches, Max, Min } from 'class-validator';

const DAY_MS = 86_400_000;

export class StatisticsConfig extends ServiceConfig {
  @Matches(/^[A-Za-z0-9_-]{1,63}$/, { message: 'STATISTICS_DB_NAME must be 1-63 letters, digits, _ or -' })
  STATISTICS_DB_NAME = 'statistics_db';

  override HEALTH_PORT = 3106;

  /** Counting is batched: many events in flight make one insert (each is acknowledged once stored). */
  override STREAMS_MAX_IN_FLIGHT: number = 512;

  /**
   * An event is dead-lettered (and not counted) only after this many failed deliveries: with a
   * batch waiting 30 s for the database each time, about 50 minutes of outage.
   */
  override STREAMS_MAX_DELIVERIES: number = 100;

  /** How often the rollup turns new raw events into buckets (ms). */
  @IsInt()
  @Min(100)
  @Max(600_000)
  STATISTICS_ROLLUP_MS: number = 2_000;

  /** Pending events a pass takes at most (whole 5 s windows, one at least); the next pass goes on at once when some were left. */
  @IsInt()
  @Min(100)
  @Max(100_000)
  STATISTICS_ROLLUP_BATCH: number = 20_000;

  /**
   * An event that reaches statistics more than this after it happened is not counted (logged and
   * counted in `statistics_events_too_late_total`): its minute's raw events may be gone. Must stay
   * under the minute retention by an hour and under the raw retention (late window + 1 day).
   */
  @IsInt()
  @Min(60_000)
  STATISTICS_LATE_WINDOW_MS: number = 6 * DAY_MS;

  /** Minute buckets are kept this many days (whole UTC days). */
  @IsInt()
  @Min(1)
  STATISTICS_MINUTE_RETENTION_DAYS: number = 7;

  /** Hour buckets are kept this many days (dropped by whole UTC months past it). */
  @IsInt()
  @Min(2)
  STATISTICS_HOUR_RETENTION_DAYS: number = 90;

  /** Day buckets are kept this many days; 0 keeps them forever (the default). */
  @IsInt()
  @Min(0)
  STATISTICS_DAY_RETENTION_DAYS: number = 0;

  /** Reports one user may have queued or running at once (429 STATISTICS.TOO_MANY_REPORTS past it). */
  @IsInt()
  @Min(1)
  STATISTICS_MAX_REPORTS_PER_USER: number = 5;

  /** A report's file may not be larger (bytes); a bigger one fails with STATISTICS.REPORT_TOO_LARGE. */
  @IsInt()
  @Min(64 * 1024)
  @Max(12 * 1024 * 1024)
  STATISTICS_REPORT_MAX_BYTES: number = 8 * 1024 * 1024;

  /** A report job whose runner stopped renewing it for this long is taken over (ms). */
  @IsInt()
  @Min(1_000)
  STATISTICS_REPORT_LEASE_MS: number = 30_000;
}

/** The boot check of what the rollup relies on: minutes outlive the late window, hours outlive minutes. */
export function retentionProblems(config: StatisticsConfig): string[] {
  const problems: string[] = [];
  if (config.STATISTICS_MINUTE_RETENTION_DAYS * DAY_MS < config.STATISTICS_LATE_WINDOW_MS + 3_600_000) {
    problems.push('STATISTICS_MINUTE_RETENTION_DAYS must exceed STATISTICS_LATE_WINDOW_MS by an hour or more');
  }
  if (config.STATISTICS_HOUR_RETENTION_DAYS < config.STATISTICS_MINUTE_RETENTION_DAYS + 1) {
    problems.push('STATISTICS_HOUR_RETENTION_DAYS must exceed STATISTICS_MINUTE_RETENTION_DAYS');
  }
  if (config.STATISTICS_DAY_RETENTION_DAYS !== 0 && config.STATISTICS_DAY_RETENTION_DAYS < config.STATISTICS_HOUR_RETENTION_DAYS + 1) {
    problems.push('STATISTICS_DAY_RETENTION_DAYS must be 0 (forever) or exceed STATISTICS_HOUR_RETENTION_DAYS');
  }
  return problems;
}
