import { keepPreviousData, useInfiniteQuery, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { expectOk, unwrap } from '../../api/client';
import type { components } from '../../api/schema';
import { useApi } from '../../app/services-context';

export type Application = components['schemas']['ApplicationDto'];
export type RegisteredApplication = components['schemas']['RegisteredApplicationDto'];
export type CreateApplication = components['schemas']['CreateApplicationDto'];
export type UpdateApplication = components['schemas']['UpdateApplicationDto'];
export type ClientSecret = components['schemas']['ClientSecretDto'];
export type ApplicationsScope = 'mine' | 'all';

export const APPLICATIONS_PAGE_SIZE = 20;
export const applicationsKey = ['applications'] as const;

/** `GET /api/v1/applications?q=&scope=&cursor=`: pages joined by "Load more". */
export function useApplicationsList(q: string, scope: ApplicationsScope) {
  const api = useApi();
  return useInfiniteQuery({
    queryKey: [...applicationsKey, 'list', { q, scope }],
    queryFn: ({ pageParam, signal }) =>
      unwrap(
        api.GET('/api/v1/applications', {
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
    placeholderData: keepPreviousData,
  });
}

/** One application; `enabled: false` once it is deleted, so nothing asks for it again. */
export function useApplication(id: string, enabled = true) {
  const api = useApi();
  return useQuery({
    enabled,
    queryKey: [...applicationsKey, 'detail', id],
    queryFn: ({ signal }) => unwrap(api.GET('/api/v1/applications/{id}', { params: { path: { id } }, signal })),
  });
}

/** `POST /api/v1/applications`: the answer carries the client secret, which only the caller keeps (never the cache). */
export function useRegisterApplication() {
  const api = useApi();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: CreateApplication) => unwrap(api.POST('/api/v1/applications', { body })),
    onSuccess: ({ clientSecret: _secret, ...application }: RegisteredApplication) => {
      queryClient.setQueryData([...applicationsKey, 'detail', application.id], application);
      void queryClient.invalidateQueries({ queryKey: [...applicationsKey, 'list'] });
    },
  });
}

export function useUpdateApplication(id: string) {
  const api = useApi();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: UpdateApplication) => unwrap(api.PATCH('/api/v1/applications/{id}', { params: { path: { id } }, body })),
    onSuccess: (updated: Application) => {
      queryClient.setQueryData([...applicationsKey, 'detail', id], updated);
      void queryClient.invalidateQueries({ queryKey: [...applicationsKey, 'list'] });
    },
  });
}

/** `POST /api/v1/applications/{id}/secret`: the new secret, shown once. */
export function useRotateSecret(id: string) {
  const api = useApi();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: () => unwrap(api.POST('/api/v1/applications/{id}/secret', { params: { path: { id } } })),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: [...applicationsKey, 'detail', id] }),
  });
}

export function useDeleteApplication(id: string) {
  const api = useApi();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: () => expectOk(api.DELETE('/api/v1/applications/{id}', { params: { path: { id } } })),
    onSuccess: () => {
      queryClient.removeQueries({ queryKey: [...applicationsKey, 'detail', id], type: 'inactive' });
      void queryClient.invalidateQueries({ queryKey: [...applicationsKey, 'list'] });
    },
  });
}
