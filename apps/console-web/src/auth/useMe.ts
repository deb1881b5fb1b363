import { useQuery } from '@tanstack/react-query';
import { unwrap } from '../api/client';
import type { User } from '../api/types';
import { useApi, useAuth } from '../app/services-context';

export const meQueryKey = ['auth', 'me'] as const;

/** The signed-in user (`GET /api/v1/auth/me`). */
export function useMe() {
  const api = useApi();
  const { status } = useAuth();
  return useQuery({
    queryKey: meQueryKey,
    queryFn: ({ signal }) => unwrap(api.GET('/api/v1/auth/me', { signal })),
    enabled: status === 'signedIn',
    staleTime: 60_000,
  });
}

/**
 * The console's own copy of the rule in libs/contracts: the web app depends only on the
 * OpenAPI-generated client, never on the server's libraries (a display decision; the API enforces).
 */
export function isAdmin(user: User | undefined): boolean {
  return user?.roles.includes('admin') ?? false;
}
