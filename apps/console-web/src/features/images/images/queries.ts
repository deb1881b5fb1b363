import { keepPreviousData, useInfiniteQuery, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { expectOk, unwrap } from '../../../api/client';
import type { components } from '../../../api/schema';
import { useApi } from '../../../app/services-context';

export type Image = components['schemas']['ImageDto'];
export type CreateImage = components['schemas']['CreateImageDto'];
export type UpdateImage = components['schemas']['UpdateImageDto'];
export type ImagesScope = 'mine' | 'all';

export const IMAGES_PAGE_SIZE = 20;
export const imagesKey = ['images', 'images'] as const;

/** `GET /api/v1/images/images?q=&scope=&cursor=`: pages joined by "Load more". */
export function useImagesList(q: string, scope: ImagesScope) {
  const api = useApi();
  return useInfiniteQuery({
    queryKey: [...imagesKey, 'list', { q, scope }],
    queryFn: ({ pageParam, signal }) =>
      unwrap(
        api.GET('/api/v1/images/images', {
          params: {
            query: {
              limit: IMAGES_PAGE_SIZE,
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

/** One image; `enabled: false` once it is deleted, so nothing asks for it again. */
export function useImage(id: string, enabled = true) {
  const api = useApi();
  return useQuery({
    enabled,
    queryKey: [...imagesKey, 'detail', id],
    queryFn: ({ signal }) => unwrap(api.GET('/api/v1/images/images/{id}', { params: { path: { id } }, signal })),
  });
}

/** `POST /api/v1/images/images`; the new image is cached for its page. */
export function useCreateImage() {
  const api = useApi();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: CreateImage) => unwrap(api.POST('/api/v1/images/images', { body })),
    onSuccess: (created: Image) => {
      queryClient.setQueryData([...imagesKey, 'detail', created.id], created);
      void queryClient.invalidateQueries({ queryKey: [...imagesKey, 'list'] });
    },
  });
}

/** `PATCH /api/v1/images/images/{id}`; the answer replaces the cached one. */
export function useUpdateImage(id: string) {
  const api = useApi();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: UpdateImage) =>
      unwrap(api.PATCH('/api/v1/images/images/{id}', { params: { path: { id } }, body })),
    onSuccess: (updated: Image) => {
      queryClient.setQueryData([...imagesKey, 'detail', id], updated);
      void queryClient.invalidateQueries({ queryKey: [...imagesKey, 'list'] });
    },
  });
}

export function useDeleteImage(id: string) {
  const api = useApi();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: () => expectOk(api.DELETE('/api/v1/images/images/{id}', { params: { path: { id } } })),
    onSuccess: () => {
      // the page showing it stops asking (`enabled`); the cached copy goes once nothing shows it
      queryClient.removeQueries({ queryKey: [...imagesKey, 'detail', id], type: 'inactive' });
      void queryClient.invalidateQueries({ queryKey: [...imagesKey, 'list'] });
    },
  });
}
