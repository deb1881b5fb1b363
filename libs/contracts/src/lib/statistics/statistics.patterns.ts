/** Message patterns of the analytics queries, served by the statistics service. */
export const StatisticsPatterns = {
  series: 'statistics.series',
  summary: 'statistics.summary',
  top: 'statistics.top',
  metrics: 'statistics.metrics',
} as const;
