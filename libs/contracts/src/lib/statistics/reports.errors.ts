/** Error codes of reports in the statistics service (`<SERVICE>.<REASON>`). */
export const ReportsErrors = {
  notFound: 'STATISTICS.REPORT_NOT_FOUND',
} as const;
