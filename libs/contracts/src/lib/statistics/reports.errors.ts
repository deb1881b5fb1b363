/** Error codes of the statistics service (`<SERVICE>.<REASON>`). */
export const ReportsErrors = {
  notFound: 'STATISTICS.REPORT_NOT_FOUND',
  /** The report is queued or running, or failed: there is nothing to download (409). */
  notReady: 'STATISTICS.REPORT_NOT_READY',
  /** The caller has STATISTICS_MAX_REPORTS_PER_USER reports queued or running (429). */
  tooManyReports: 'STATISTICS.TOO_MANY_REPORTS',
  /** The report's file would be larger than STATISTICS_REPORT_MAX_BYTES (a job's failure code). */
  reportTooLarge: 'STATISTICS.REPORT_TOO_LARGE',
  /** The job stopped on an unexpected error (a job's failure code). */
  reportError: 'STATISTICS.REPORT_ERROR',
} as const;

/** Error codes of the analytics queries (all 400). */
export const StatisticsErrors = {
  /** No metric of that name (see GET /api/v1/statistics/metrics). */
  unknownMetric: 'STATISTICS.UNKNOWN_METRIC',
  /** `from` is not before `to`, or a time is not ISO 8601 with a zone. */
  invalidRange: 'STATISTICS.INVALID_RANGE',
  /** `tz` is not an IANA time zone. */
  invalidTimeZone: 'STATISTICS.INVALID_TIME_ZONE',
  /** The range at this interval has more than 20,000 points (series × groups). */
  tooManyPoints: 'STATISTICS.TOO_MANY_POINTS',
  /** The range starts before the buckets of this interval are kept (minute 7 days, hour 90 days). */
  rangeNotRetained: 'STATISTICS.RANGE_NOT_RETAINED',
} as const;
