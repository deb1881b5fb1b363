import { keepPreviousData, useInfiniteQuery, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { expectOk, unwrap } from '../../api/client';
import type { components } from '../../api/schema';
import { useApi } from '../../app/services-context';

export type Image = components['schemas']['ImageDto'];
export type UpdateImage = components['schemas']['UpdateImageDto'];
export type ImageUsage = components['schemas']['ImageUsageDto'];
export type ImageVariantName = 'original' | 'thumb' | 'medium' | 'large';
export type ImagesScope = 'mine' | 'all';

export const IMAGES_PAGE_SIZE = 24;
export const imagesKey = ['images'] as const;

/** `GET /api/v1/images?q=&scope=&cursor=`: pages joined by "Load more". */
export function useImagesList(q: string, scope: ImagesScope) {
  const api = useApi();
  return useInfiniteQuery({
    queryKey: [...imagesKey, 'list', { q, scope }],
    queryFn: ({ pageParam, signal }) =>
      unwrap(
        api.GET('/api/v1/images', {
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
    placeholderData: keepPreviousData,
  });
}

/** `GET /api/v1/images/usage`: my stored bytes against the quota. */
export function useImageUsage() {
  const api = useApi();
  return useQuery({
    queryKey: [...imagesKey, 'usage'],
    queryFn: ({ signal }) => unwrap(api.GET('/api/v1/images/usage', { params: { query: {} }, signal })),
  });
}

/** One image; `enabled: false` once it is deleted, so nothing asks for it again. */
export function useImage(id: string, enabled = true) {
  const api = useApi();
  return useQuery({
    enabled,
    queryKey: [...imagesKey, 'detail', id],
    queryFn: ({ signal }) => unwrap(api.GET('/api/v1/images/{id}', { params: { path: { id } }, signal })),
  });
}

/** After an upload or a delete: the lists and the usage meter are stale. */
export function useImagesChanged() {
  const queryClient = useQueryClient();
  return () => {
    void queryClient.invalidateQueries({ queryKey: [...imagesKey, 'list'] });
    void queryClient.invalidateQueries({ queryKey: [...imagesKey, 'usage'] });
  };
}

/** `PATCH /api/v1/images/{id}` (file name, visibility); the answer replaces the cached one. */
export function useUpdateImage(id: string) {
  const api = useApi();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: UpdateImage) => unwrap(api.PATCH('/api/v1/images/{id}', { params: { path: { id } }, body })),
    onSuccess: (updated: Image) => {
      queryClient.setQueryData([...imagesKey, 'detail', id], updated);
      void queryClient.invalidateQueries({ queryKey: [...imagesKey, 'list'] });
    },
  });
}

export function useDeleteImage(id: string) {
  const api = useApi();
  const queryClient = useQueryClient();
  const changed = useImagesChanged();
  return useMutation({
    mutationFn: () => expectOk(api.DELETE('/api/v1/images/{id}', { params: { path: { id } } })),
    onSuccess: () => {
      queryClient.removeQueries({ queryKey: [...imagesKey, 'detail', id], type: 'inactive' });
      changed();
    },
  });
}

/**
 * An image's bytes as an object URL for `<img src>`: fetched with the session's token (an `<img>`
 * cannot send one), revoked when the component lets go of it. The browser's cache answers
 * repeats (the content is `immutable`).
 */
export function useImageUrl(id: string, variant: ImageVariantName): { url: string | null; failed: boolean } {
  const api = useApi();
  const [state, setState] = useState<{ url: string | null; failed: boolean }>({ url: null, failed: false });
  useEffect(() => {
    const controller = new AbortController();
    let url: string | null = null;
    setState({ url: null, failed: false });
    api
      .GET('/api/v1/images/{id}/content', { params: { path: { id }, query: { variant } }, parseAs: 'blob', signal: controller.signal })
      .then(({ data, error }) => {
        if (controller.signal.aborted) return;
        // not instanceof: a Blob may come from another realm (a test's fetch)
        if (error || !data) return setState({ url: null, failed: true });
        url = URL.createObjectURL(data as Blob);
        setState({ url, failed: false });
      })
      .catch(() => {
        if (!controller.signal.aborted) setState({ url: null, failed: true });
      });
    return () => {
      controller.abort();
      if (url) URL.revokeObjectURL(url);
    };
  }, [api, id, variant]);
  return state;
}
