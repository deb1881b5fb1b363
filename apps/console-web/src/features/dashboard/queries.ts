import { useQuery } from '@tanstack/react-query';
import { unwrap } from '../../api/client';
import { toApiError } from '../../api/errors';
import type { Readiness } from '../../api/types';
import { useApi } from '../../app/services-context';

/** The dashboard polls every 3 s; react-query keeps the previous data while it refetches (no flicker). */
export const POLL_MS = 3_000;

export function useServicesQuery() {
  const api = useApi();
  return useQuery({
    queryKey: ['operations', 'services'],
    queryFn: ({ signal }) => unwrap(api.GET('/api/v1/services', { signal })),
    refetchInterval: POLL_MS,
    staleTime: 0,
  });
}

export interface GatewayReadiness {
  ready: boolean;
  report: Readiness;
}

/** `GET /health/ready`: a 503 with a health report is an answer ("not ready"), not a failure. */
export function useReadinessQuery() {
  const api = useApi();
  return useQuery({
    queryKey: ['operations', 'readiness'],
    queryFn: async ({ signal }): Promise<GatewayReadiness> => {
      const { data, error, response } = await api.GET('/health/ready', { signal });
      if (response.ok && data) return { ready: true, report: data };
      const report = error as Readiness | undefined;
      if (response.status === 503 && typeof report === 'object' && report !== null && 'status' in report) {
        return { ready: false, report };
      }
      throw toApiError(response, error);
    },
    refetchInterval: POLL_MS,
    staleTime: 0,
  });
}
