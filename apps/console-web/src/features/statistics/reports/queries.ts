import { useInfiniteQuery, useMutation, useQueryClient } from '@tanstack/react-query';
import { expectOk, unwrap } from '../../../api/client';
import type { components } from '../../../api/schema';
import { useApi } from '../../../app/services-context';

export type Report = components['schemas']['ReportDto'];
export type CreateReport = components['schemas']['CreateReportDto'];
export type ReportKind = Report['kind'];
export type ReportFormat = Report['format'];
export type ReportStatus = Report['status'];
export type ReportsScope = 'mine' | 'all';

/** CreateReportDto's enums, in the order the form offers them. */
export const REPORT_KINDS = ['usage', 'activity', 'storage'] as const satisfies readonly ReportKind[];
export const REPORT_FORMATS = ['csv', 'json', 'pdf'] as const satisfies readonly ReportFormat[];

export const REPORTS_PAGE_SIZE = 50;
/** How often the list is asked again while one of its reports is queued or running. */
export const REPORT_POLL_MS = 1_000;
export const reportsKey = ['statistics', 'reports'] as const;

/** Queued or running: its status will change. */
export function isOpen(status: ReportStatus): boolean {
  return status === 'queued' || status === 'running';
}

/**
 * `GET /api/v1/statistics/reports?scope=&cursor=` (oldest first), pages joined by "Load more";
 * asked again every REPORT_POLL_MS while any report shown is queued or running.
 */
export function useReportsList(scope: ReportsScope) {
  const api = useApi();
  return useInfiniteQuery({
    queryKey: [...reportsKey, 'list', { scope }],
    queryFn: ({ pageParam, signal }) =>
      unwrap(
        api.GET('/api/v1/statistics/reports', {
          params: {
            query: {
              limit: REPORTS_PAGE_SIZE,
              ...(scope === 'all' ? { scope } : {}),
              ...(pageParam ? { cursor: pageParam } : {}),
            },
          },
          signal,
        }),
      ),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
    refetchInterval: (query) => (query.state.data?.pages.some((page) => page.items.some((report) => isOpen(report.status))) ? REPORT_POLL_MS : false),
    staleTime: 0,
  });
}

/** `POST /api/v1/statistics/reports` (202, queued); the list then shows it and follows it. */
export function useCreateReport() {
  const api = useApi();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: CreateReport) => unwrap(api.POST('/api/v1/statistics/reports', { body })),
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: [...reportsKey, 'list'] });
    },
  });
}

/** `DELETE /api/v1/statistics/reports/{id}` (204). */
export function useDeleteReport() {
  const api = useApi();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => expectOk(api.DELETE('/api/v1/statistics/reports/{id}', { params: { path: { id } } })),
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: [...reportsKey, 'list'] });
    },
  });
}
