import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { unwrap } from '../../api/client';
import { isApiError } from '../../api/errors';
import type { components } from '../../api/schema';
import { useApi } from '../../app/services-context';
import { applicationsKey } from './queries';

export type ConfigVersion = components['schemas']['ConfigVersionDto'];
export type ConfigDiff = components['schemas']['ConfigDiffDto'];
export type Release = components['schemas']['ReleaseDto'];
export type CreateRelease = components['schemas']['CreateReleaseDto'];

/** The environments the console offers first; any other `[a-z0-9-]{1,32}` works too. */
export const STANDARD_ENVS = ['development', 'staging', 'production'] as const;
export const ENV_PATTERN = /^[a-z0-9-]{1,32}$/;

const configKey = (id: string, env: string) => [...applicationsKey, 'detail', id, 'config', env] as const;

/** The latest version of an environment, or null when none has been published (404). */
export function useLatestConfig(id: string, env: string) {
  const api = useApi();
  return useQuery({
    queryKey: [...configKey(id, env), 'latest'],
    queryFn: async ({ signal }) => {
      try {
        return await unwrap(api.GET('/api/v1/applications/{id}/config/{env}', { params: { path: { id, env } }, signal }));
      } catch (error) {
        if (isApiError(error, 404)) return null;
        throw error;
      }
    },
  });
}

export function useConfigHistory(id: string, env: string) {
  const api = useApi();
  return useQuery({
    queryKey: [...configKey(id, env), 'versions'],
    queryFn: ({ signal }) =>
      unwrap(api.GET('/api/v1/applications/{id}/config/{env}/versions', { params: { path: { id, env }, query: { limit: 100 } }, signal })),
    placeholderData: keepPreviousData,
  });
}

export function useConfigDiff(id: string, env: string, range: { from: number; to: number } | null) {
  const api = useApi();
  return useQuery({
    enabled: range !== null,
    queryKey: [...configKey(id, env), 'diff', range],
    queryFn: ({ signal }) =>
      unwrap(
        api.GET('/api/v1/applications/{id}/config/{env}/diff', {
          params: { path: { id, env }, query: { from: range?.from ?? 1, to: range?.to ?? 1 } },
          signal,
        }),
      ),
  });
}

/**
 * `PUT …/config/{env}` with `If-Match` naming the version the editor started from (or `*`-less
 * for a first version): a concurrent publish makes it 412 instead of overwriting unseen.
 */
export function usePublishConfig(id: string, env: string) {
  const api = useApi();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (input: { values: Record<string, unknown>; message: string; basedOn: number | null }) =>
      unwrap(
        api.PUT('/api/v1/applications/{id}/config/{env}', {
          params: { path: { id, env }, ...(input.basedOn ? { header: { 'If-Match': `"${input.basedOn}"` } } : {}) },
          body: { values: input.values, message: input.message },
        }),
      ),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: configKey(id, env) }),
  });
}

export function useRollbackConfig(id: string, env: string) {
  const api = useApi();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (version: number) =>
      unwrap(api.POST('/api/v1/applications/{id}/config/{env}/rollback', { params: { path: { id, env } }, body: { version } })),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: configKey(id, env) }),
  });
}

const releasesKey = (id: string) => [...applicationsKey, 'detail', id, 'releases'] as const;

export function useReleases(id: string) {
  const api = useApi();
  return useQuery({
    queryKey: releasesKey(id),
    queryFn: ({ signal }) => unwrap(api.GET('/api/v1/applications/{id}/releases', { params: { path: { id }, query: { limit: 100 } }, signal })),
  });
}

export function useCreateRelease(id: string) {
  const api = useApi();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: CreateRelease) => unwrap(api.POST('/api/v1/applications/{id}/releases', { params: { path: { id } }, body })),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: releasesKey(id) }),
  });
}
