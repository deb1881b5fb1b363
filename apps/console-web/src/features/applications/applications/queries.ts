import { keepPreviousData, useInfiniteQuery, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { expectOk, unwrap } from '../../../api/client';
import type { components } from '../../../api/schema';
import { useApi } from '../../../app/services-context';

export type Application = components['schemas']['ApplicationDto'];
export type CreateApplication = components['schemas']['CreateApplicationDto'];
export type UpdateApplication = components['schemas']['UpdateApplicationDto'];
export type ApplicationsScope = 'mine' | 'all';

export const APPLICATIONS_PAGE_SIZE = 20;
export const applicationsKey = ['applications', 'applications'] as const;

/** `GET /api/v1/applications/applications?q=&scope=&cursor=`: pages joined by "Load more". */
export function useApplicationsList(q: string, scope: ApplicationsScope) {
  const api = useApi();
  return useInfiniteQuery({
    queryKey: [...applicationsKey, 'list', { q, scope }],
    queryFn: ({ pageParam, signal }) =>
      unwrap(
        api.GET('/api/v1/applications/applications', {
          params: {
            query: {
              limit: APPLICATIONS_PAGE_SIZE,
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

/** One application; `enabled: false` once it is deleted, so nothing asks for it again. */
export function useApplication(id: string, enabled = true) {
  const api = useApi();
  return useQuery({
    enabled,
    queryKey: [...applicationsKey, 'detail', id],
    queryFn: ({ signal }) => unwrap(api.GET('/api/v1/applications/applications/{id}', { params: { path: { id } }, signal })),
  });
}

/** `POST /api/v1/applications/applications`; the new application is cached for its page. */
export function useCreateApplication() {
  const api = useApi();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: CreateApplication) => unwrap(api.POST('/api/v1/applications/applications', { body })),
    onSuccess: (created: Application) => {
      queryClient.setQueryData([...applicationsKey, 'detail', created.id], created);
      void queryClient.invalidateQueries({ queryKey: [...applicationsKey, 'list'] });
    },
  });
}

/** `PATCH /api/v1/applications/applications/{id}`; the answer replaces the cached one. */
export function useUpdateApplication(id: string) {
  const api = useApi();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: UpdateApplication) =>
      unwrap(api.PATCH('/api/v1/applications/applications/{id}', { params: { path: { id } }, body })),
    onSuccess: (updated: Application) => {
      queryClient.setQueryData([...applicationsKey, 'detail', id], updated);
      void queryClient.invalidateQueries({ queryKey: [...applicationsKey, 'list'] });
    },
  });
}

export function useDeleteApplication(id: string) {
  const api = useApi();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: () => expectOk(api.DELETE('/api/v1/applications/applications/{id}', { params: { path: { id } } })),
    onSuccess: () => {
      // the page showing it stops asking (`enabled`); the cached copy goes once nothing shows it
      queryClient.removeQueries({ queryKey: [...applicationsKey, 'detail', id], type: 'inactive' });
      void queryClient.invalidateQueries({ queryKey: [...applicationsKey, 'list'] });
    },
  });
}
