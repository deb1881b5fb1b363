import { keepPreviousData, useInfiniteQuery, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { expectOk, unwrap } from '../../../api/client';
import type { components } from '../../../api/schema';
import { useApi } from '../../../app/services-context';

export type Entry = components['schemas']['EntryDto'];
export type CreateEntry = components['schemas']['CreateEntryDto'];
export type UpdateEntry = components['schemas']['UpdateEntryDto'];
export type EntriesScope = 'mine' | 'all';

export const ENTRIES_PAGE_SIZE = 20;
export const entriesKey = ['audit', 'entries'] as const;

/** `GET /api/v1/audit/entries?q=&scope=&cursor=`: pages joined by "Load more". */
export function useEntriesList(q: string, scope: EntriesScope) {
  const api = useApi();
  return useInfiniteQuery({
    queryKey: [...entriesKey, 'list', { q, scope }],
    queryFn: ({ pageParam, signal }) =>
      unwrap(
        api.GET('/api/v1/audit/entries', {
          params: {
            query: {
              limit: ENTRIES_PAGE_SIZE,
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

/** One entry; `enabled: false` once it is deleted, so nothing asks for it again. */
export function useEntry(id: string, enabled = true) {
  const api = useApi();
  return useQuery({
    enabled,
    queryKey: [...entriesKey, 'detail', id],
    queryFn: ({ signal }) => unwrap(api.GET('/api/v1/audit/entries/{id}', { params: { path: { id } }, signal })),
  });
}

/** `POST /api/v1/audit/entries`; the new entry is cached for its page. */
export function useCreateEntry() {
  const api = useApi();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: CreateEntry) => unwrap(api.POST('/api/v1/audit/entries', { body })),
    onSuccess: (created: Entry) => {
      queryClient.setQueryData([...entriesKey, 'detail', created.id], created);
      void queryClient.invalidateQueries({ queryKey: [...entriesKey, 'list'] });
    },
  });
}

/** `PATCH /api/v1/audit/entries/{id}`; the answer replaces the cached one. */
export function useUpdateEntry(id: string) {
  const api = useApi();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: UpdateEntry) =>
      unwrap(api.PATCH('/api/v1/audit/entries/{id}', { params: { path: { id } }, body })),
    onSuccess: (updated: Entry) => {
      queryClient.setQueryData([...entriesKey, 'detail', id], updated);
      void queryClient.invalidateQueries({ queryKey: [...entriesKey, 'list'] });
    },
  });
}

export function useDeleteEntry(id: string) {
  const api = useApi();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: () => expectOk(api.DELETE('/api/v1/audit/entries/{id}', { params: { path: { id } } })),
    onSuccess: () => {
      // the page showing it stops asking (`enabled`); the cached copy goes once nothing shows it
      queryClient.removeQueries({ queryKey: [...entriesKey, 'detail', id], type: 'inactive' });
      void queryClient.invalidateQueries({ queryKey: [...entriesKey, 'list'] });
    },
  });
}
