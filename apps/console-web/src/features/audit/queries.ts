import { keepPreviousData, useInfiniteQuery, useMutation } from '@tanstack/react-query';
import { unwrap } from '../../api/client';
import type { components } from '../../api/schema';
import { useApi } from '../../app/services-context';

export type AuditEntry = components['schemas']['AuditEntryDto'];
export type AuditAction = AuditEntry['action'];
export type AuditVerification = components['schemas']['AuditVerificationDto'];

/** Every action the API filters by, in the API's order (the spec checks it against the OpenAPI document). */
export const AUDIT_ACTIONS = [
  'auth.login.succeeded',
  'auth.login.failed',
  'auth.mfa.challenge-failed',
  'auth.password.changed',
  'auth.password-reset.requested',
  'auth.password.reset',
  'auth.email.verified',
  'auth.mfa.enabled',
  'auth.mfa.disabled',
  'auth.mfa.recovery-code-used',
  'auth.account.exported',
  'auth.account.deleted',
  'users.roles.changed',
  'users.deleted',
  'users.profile.read',
  'oauth.keys.rotated',
  'oauth.keys.withdrawn',
  'oauth.grants.revoked',
  'applications.secret.rotated',
] as const satisfies readonly AuditAction[];

export interface AuditFilters {
  actor?: string;
  action?: AuditAction;
  target?: string;
  /** ISO 8601. */
  from?: string;
  to?: string;
}

export const AUDIT_PAGE_SIZE = 50;
export const auditKey = ['audit'] as const;

/** `GET /api/v1/audit?actor=&action=&target=&from=&to=&cursor=`, newest first, pages joined by "Load more". */
export function useAuditLog(filters: AuditFilters) {
  const api = useApi();
  return useInfiniteQuery({
    queryKey: [...auditKey, 'log', filters],
    queryFn: ({ pageParam, signal }) =>
      unwrap(
        api.GET('/api/v1/audit', {
          params: {
            query: {
              limit: AUDIT_PAGE_SIZE,
              ...filters,
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

/** `GET /api/v1/audit/me`: the signed-in user's own recent security activity. */
export function useMyActivity() {
  const api = useApi();
  return useInfiniteQuery({
    queryKey: [...auditKey, 'me'],
    queryFn: ({ pageParam, signal }) =>
      unwrap(
        api.GET('/api/v1/audit/me', {
          params: {
            query: { limit: 20, ...(pageParam ? { cursor: pageParam } : {}) },
          },
          signal,
        }),
      ),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });
}

/** `GET /api/v1/audit/verify`, on demand: a walk of the whole chain. */
export function useVerifyChain() {
  const api = useApi();
  return useMutation({
    mutationFn: () => unwrap(api.GET('/api/v1/audit/verify')),
  });
}
