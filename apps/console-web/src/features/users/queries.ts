import { keepPreviousData, useInfiniteQuery, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { expectOk, unwrap } from '../../api/client';
import type { UpdateUser, User } from '../../api/types';
import { useApi } from '../../app/services-context';
import { meQueryKey } from '../../auth/useMe';

export const USERS_PAGE_SIZE = 20;
export const usersKey = ['users'] as const;

/** `GET /api/v1/users?q=&cursor=`: pages joined by "Load more" (cursor = the last page's nextCursor). */
export function useUsersList(q: string) {
  const api = useApi();
  return useInfiniteQuery({
    queryKey: [...usersKey, 'list', { q }],
    queryFn: ({ pageParam, signal }) =>
      unwrap(
        api.GET('/api/v1/users', {
          params: { query: { limit: USERS_PAGE_SIZE, ...(q ? { q } : {}), ...(pageParam ? { cursor: pageParam } : {}) } },
          signal,
        }),
      ),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
    // while a new search runs, the previous results stay (no flicker)
    placeholderData: keepPreviousData,
  });
}

export function useUser(id: string) {
  const api = useApi();
  return useQuery({
    queryKey: [...usersKey, 'detail', id],
    queryFn: ({ signal }) => unwrap(api.GET('/api/v1/users/{id}', { params: { path: { id } }, signal })),
  });
}

/** `PATCH /api/v1/users/{id}`; the answer replaces the cached user (and `me`, when it is the same). */
export function useUpdateUser(id: string) {
  const api = useApi();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: UpdateUser) => unwrap(api.PATCH('/api/v1/users/{id}', { params: { path: { id } }, body })),
    onSuccess: (user: User) => {
      queryClient.setQueryData([...usersKey, 'detail', id], user);
      queryClient.setQueryData<User>(meQueryKey, (me) => (me?.id === user.id ? user : me));
      void queryClient.invalidateQueries({ queryKey: [...usersKey, 'list'] });
    },
  });
}

export function useDeleteUser(id: string) {
  const api = useApi();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: () => expectOk(api.DELETE('/api/v1/users/{id}', { params: { path: { id } } })),
    onSuccess: () => {
      queryClient.removeQueries({ queryKey: [...usersKey, 'detail', id] });
      void queryClient.invalidateQueries({ queryKey: [...usersKey, 'list'] });
    },
  });
}
