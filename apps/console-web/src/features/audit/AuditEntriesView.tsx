import { Button, EmptyState, Group } from '@mantine/core';
import type { InfiniteData, UseInfiniteQueryResult } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { ErrorBanner } from '../../ui/ErrorBanner';
import { ListSkeleton } from '../../ui/Skeletons';
import { AuditEntriesTable } from './AuditEntriesTable';
import type { AuditEntry } from './queries';

export interface AuditEntriesViewProps {
  list: UseInfiniteQueryResult<InfiniteData<{ items: AuditEntry[]; nextCursor: string | null }>>;
  caption: string;
  empty: string;
  full?: boolean;
}

/** Pages of audit entries in every state: loading, failed (above the last data), empty, and "Load more". */
export function AuditEntriesView({ list, caption, empty, full = false }: AuditEntriesViewProps) {
  const { t } = useTranslation();
  const items = list.data?.pages.flatMap((page) => page.items) ?? [];
  return (
    <>
      {list.isError ? (
        <ErrorBanner error={list.error} hasData={list.data !== undefined} onRetry={() => void list.refetch()} retrying={list.isFetching} />
      ) : null}
      {list.data === undefined ? (
        list.isError ? null : (
          <ListSkeleton rows={full ? 6 : 3} />
        )
      ) : items.length === 0 ? (
        <EmptyState title={empty} />
      ) : (
        <>
          <AuditEntriesTable items={items} full={full} caption={caption} busy={list.isFetching} />
          {list.hasNextPage ? (
            <Group>
              <Button variant="default" onClick={() => void list.fetchNextPage()} loading={list.isFetchingNextPage}>
                {t('audit.loadMore')}
              </Button>
            </Group>
          ) : null}
        </>
      )}
    </>
  );
}
