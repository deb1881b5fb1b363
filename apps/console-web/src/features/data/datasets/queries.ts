import { keepPreviousData, useInfiniteQuery, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { expectOk, unwrap } from '../../../api/client';
import type { components } from '../../../api/schema';
import { useApi } from '../../../app/services-context';

export type Dataset = components['schemas']['DatasetDto'];
export type CreateDataset = components['schemas']['CreateDatasetDto'];
export type UpdateDataset = components['schemas']['UpdateDatasetDto'];
export type DatasetsScope = 'mine' | 'all';

export const DATASETS_PAGE_SIZE = 20;
export const datasetsKey = ['data', 'datasets'] as const;

/** `GET /api/v1/data/datasets?q=&scope=&cursor=`: pages joined by "Load more". */
export function useDatasetsList(q: string, scope: DatasetsScope) {
  const api = useApi();
  return useInfiniteQuery({
    queryKey: [...datasetsKey, 'list', { q, scope }],
    queryFn: ({ pageParam, signal }) =>
      unwrap(
        api.GET('/api/v1/data/datasets', {
          params: {
            query: {
              limit: DATASETS_PAGE_SIZE,
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

/** One dataset; `enabled: false` once it is deleted, so nothing asks for it again. */
export function useDataset(id: string, enabled = true) {
  const api = useApi();
  return useQuery({
    enabled,
    queryKey: [...datasetsKey, 'detail', id],
    queryFn: ({ signal }) => unwrap(api.GET('/api/v1/data/datasets/{id}', { params: { path: { id } }, signal })),
  });
}

/** `POST /api/v1/data/datasets`; the new dataset is cached for its page. */
export function useCreateDataset() {
  const api = useApi();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: CreateDataset) => unwrap(api.POST('/api/v1/data/datasets', { body })),
    onSuccess: (created: Dataset) => {
      queryClient.setQueryData([...datasetsKey, 'detail', created.id], created);
      void queryClient.invalidateQueries({ queryKey: [...datasetsKey, 'list'] });
    },
  });
}

/** `PATCH /api/v1/data/datasets/{id}`; the answer replaces the cached one. */
export function useUpdateDataset(id: string) {
  const api = useApi();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: UpdateDataset) =>
      unwrap(api.PATCH('/api/v1/data/datasets/{id}', { params: { path: { id } }, body })),
    onSuccess: (updated: Dataset) => {
      queryClient.setQueryData([...datasetsKey, 'detail', id], updated);
      void queryClient.invalidateQueries({ queryKey: [...datasetsKey, 'list'] });
    },
  });
}

export function useDeleteDataset(id: string) {
  const api = useApi();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: () => expectOk(api.DELETE('/api/v1/data/datasets/{id}', { params: { path: { id } } })),
    onSuccess: () => {
      // the page showing it stops asking (`enabled`); the cached copy goes once nothing shows it
      queryClient.removeQueries({ queryKey: [...datasetsKey, 'detail', id], type: 'inactive' });
      void queryClient.invalidateQueries({ queryKey: [...datasetsKey, 'list'] });
    },
  });
}
