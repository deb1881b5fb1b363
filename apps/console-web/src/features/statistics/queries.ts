import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { unwrap } from '../../api/client';
import type { components } from '../../api/schema';
import { useApi } from '../../app/services-context';

type Schemas = components['schemas'];
export type Summary = Schemas['SummaryDto'];
export type SummaryItem = Schemas['SummaryItemDto'];
export type SummaryPeriod = Summary['period'];
export type Series = Schemas['SeriesDto'];
export type SeriesPoint = Schemas['PointDto'];
export type SeriesGroup = Schemas['SeriesGroupDto'];
export type Interval = Series['interval'];
export type Top = Schemas['TopDto'];
export type Dimension = Top['by'];
export type Metric = Schemas['MetricDto'];

/** SummaryDto's `period` enum, in the order the switch offers it. */
export const SUMMARY_PERIODS = ['24h', '7d', '30d'] as const satisfies readonly SummaryPeriod[];
export const DEFAULT_SUMMARY_PERIOD: SummaryPeriod = '7d';
export const INTERVALS = ['minute', 'hour', 'day'] as const satisfies readonly Interval[];
export const DIMENSIONS = ['owner', 'outcome', 'service', 'event'] as const satisfies readonly Dimension[];
/** The widgets' numbers follow on their own this often (the dashboard stays open for long). */
export const SUMMARY_REFRESH_MS = 30_000;
/** How many entries the top list asks for. */
export const TOP_LIMIT = 10;

export const statisticsKey = ['statistics'] as const;

/** `GET /api/v1/statistics/summary?period=&tz=`: the home screen's widgets (an admin's cover everyone). */
export function useSummary(period: SummaryPeriod, tz: string) {
  const api = useApi();
  return useQuery({
    queryKey: [...statisticsKey, 'summary', { period, tz }],
    queryFn: ({ signal }) => unwrap(api.GET('/api/v1/statistics/summary', { params: { query: { period, tz } }, signal })),
    refetchInterval: SUMMARY_REFRESH_MS,
    // switching period keeps the previous numbers on screen until the new ones arrive
    placeholderData: keepPreviousData,
  });
}

/** `GET /api/v1/statistics/metrics`: the catalog changes only with a deployment. */
export function useMetrics() {
  const api = useApi();
  return useQuery({
    queryKey: [...statisticsKey, 'metrics'],
    queryFn: ({ signal }) => unwrap(api.GET('/api/v1/statistics/metrics', { signal })),
    staleTime: 5 * 60_000,
  });
}

export interface SeriesParams {
  metric: string;
  /** ISO 8601 date-times. */
  from: string;
  to: string;
  interval: Interval;
  groupBy: Dimension | null;
  tz: string;
}

/** `GET /api/v1/statistics/series`; null params (an incomplete form) ask nothing. */
export function useSeries(params: SeriesParams | null) {
  const api = useApi();
  return useQuery({
    enabled: params !== null,
    queryKey: [...statisticsKey, 'series', params],
    queryFn: ({ signal }) => {
      const p = params as SeriesParams;
      return unwrap(
        api.GET('/api/v1/statistics/series', {
          params: {
            query: { metric: p.metric, from: p.from, to: p.to, interval: p.interval, tz: p.tz, ...(p.groupBy ? { groupBy: p.groupBy } : {}) },
          },
          signal,
        }),
      );
    },
    placeholderData: keepPreviousData,
  });
}

export interface TopParams {
  metric: string;
  by: Dimension;
  from: string;
  to: string;
}

/** `GET /api/v1/statistics/top`: the largest groups of a metric over the range, largest first. */
export function useTop(params: TopParams | null) {
  const api = useApi();
  return useQuery({
    enabled: params !== null,
    queryKey: [...statisticsKey, 'top', params],
    queryFn: ({ signal }) => {
      const p = params as TopParams;
      return unwrap(
        api.GET('/api/v1/statistics/top', { params: { query: { metric: p.metric, by: p.by, from: p.from, to: p.to, limit: TOP_LIMIT } }, signal }),
      );
    },
    placeholderData: keepPreviousData,
  });
}
