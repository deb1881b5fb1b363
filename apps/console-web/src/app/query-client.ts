import { QueryClient } from '@tanstack/react-query';
import { isRetryable } from '../api/errors';

/** Queries retry only what may succeed as it is (no answer, 5xx), twice; never a 4xx. */
export function createQueryClient(): QueryClient {
  return new QueryClient({
    defaultOptions: {
      queries: {
        retry: (failures, error) => isRetryable(error) && failures < 2,
        staleTime: 10_000,
      },
      mutations: { retry: false },
    },
  });
}
