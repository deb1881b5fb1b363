import { keepPreviousData, useInfiniteQuery, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { expectOk, unwrap } from '../../../api/client';
import type { components } from '../../../api/schema';
import { useApi } from '../../../app/services-context';

export type Report = components['schemas']['ReportDto'];
export type CreateReport = components['schemas']['CreateReportDto'];
export type UpdateReport = components['schemas']['UpdateReportDto'];
export type ReportsScope = 'mine' | 'all';

export const REPORTS_PAGE_SIZE = 20;
export const reportsKey = ['statistics', 'reports'] as const;

/** `GET /api/v1/statistics/reports?q=&scope=&cursor=`: pages joined by "Load more". */
export function useReportsList(q: string, scope: ReportsScope) {
  const api = useApi();
  return useInfiniteQuery({
    queryKey: [...reportsKey, 'list', { q, scope }],
    queryFn: ({ pageParam, signal }) =>
      unwrap(
        api.GET('/api/v1/statistics/reports', {
          params: {
            query: {
              limit: REPORTS_PAGE_SIZE,
              ...(q ? { q } : {}),
              ...(scope === 'all' ? { scope } : {}),
              ...(pageParam ? { cursor: pageParam } : {}),
            },
          },
          signal,
        }),
      ),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
    // while a new search runs, the previous results stay (no flicker)
    placeholderData: keepPreviousData,
  });
}

/** One report; `enabled: false` once it is deleted, so nothing asks for it again. */
export function useReport(id: string, enabled = true) {
  const api = useApi();
  return useQuery({
    enabled,
    queryKey: [...reportsKey, 'detail', id],
    queryFn: ({ signal }) => unwrap(api.GET('/api/v1/statistics/reports/{id}', { params: { path: { id } }, signal })),
  });
}

/** `POST /api/v1/statistics/reports`; the new report is cached for its page. */
export function useCreateReport() {
  const api = useApi();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: CreateReport) => unwrap(api.POST('/api/v1/statistics/reports', { body })),
    onSuccess: (created: Report) => {
      queryClient.setQueryData([...reportsKey, 'detail', created.id], created);
      void queryClient.invalidateQueries({ queryKey: [...reportsKey, 'list'] });
    },
  });
}

/** `PATCH /api/v1/statistics/reports/{id}`; the answer replaces the cached one. */
export function useUpdateReport(id: string) {
  const api = useApi();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: UpdateReport) =>
      unwrap(api.PATCH('/api/v1/statistics/reports/{id}', { params: { path: { id } }, body })),
    onSuccess: (updated: Report) => {
      queryClient.setQueryData([...reportsKey, 'detail', id], updated);
      void queryClient.invalidateQueries({ queryKey: [...reportsKey, 'list'] });
    },
  });
}

export function useDeleteReport(id: string) {
  const api = useApi();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: () => expectOk(api.DELETE('/api/v1/statistics/reports/{id}', { params: { path: { id } } })),
    onSuccess: () => {
      // the page showing it stops asking (`enabled`); the cached copy goes once nothing shows it
      queryClient.removeQueries({ queryKey: [...reportsKey, 'detail', id], type: 'inactive' });
      void queryClient.invalidateQueries({ queryKey: [...reportsKey, 'list'] });
    },
  });
}
