import { Anchor, Button, EmptyState, Group, SegmentedControl, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { isAdmin, useMe } from '../../../auth/useMe';
import { dateTime } from '../../../lib/format';
import { ErrorBanner } from '../../../ui/ErrorBanner';
import { ListSkeleton } from '../../../ui/Skeletons';
import { usePageTitle } from '../../../ui/usePageTitle';
import { useEntriesList, type EntriesScope } from './queries';

/** How long typing must pause before the search runs. */
export const SEARCH_DEBOUNCE_MS = 300;

/**
 * `/audit/entries`: the signed-in user's entries (admins may switch to everyone's), search as
 * you type (prefix of the name), "Load more" pages, "New entry".
 */
export default function EntriesPage() {
  const { t, i18n } = useTranslation();
  usePageTitle(t('auditEntries.title'));
  const me = useMe();
  const [search, setSearch] = useState('');
  const [scope, setScope] = useState<EntriesScope>('mine');
  const [q] = useDebouncedValue(search.trim().slice(0, 100), SEARCH_DEBOUNCE_MS);
  const list = useEntriesList(q, scope);
  const items = list.data?.pages.flatMap((page) => page.items) ?? [];

  return (
    <Stack gap="md">
      <Group justify="space-between" align="flex-end">
        <Title order={1} size="h2">
          {t('auditEntries.title')}
        </Title>
        <Button component={Link} to="/audit/entries/new">
          {t('auditEntries.create')}
        </Button>
      </Group>
      <Group align="flex-end" gap="md">
        <TextInput
          type="search"
          label={t('auditEntries.search')}
          placeholder={t('auditEntries.searchPlaceholder')}
          description={t('auditEntries.searchHint')}
          value={search}
          onChange={(event) => setSearch(event.currentTarget.value)}
          maxLength={100}
          autoComplete="off"
          maw={420}
          style={{ flex: '1 1 240px' }}
        />
        {isAdmin(me.data) ? (
          <SegmentedControl
            aria-label={t('auditEntries.scope')}
            value={scope}
            onChange={(value) => setScope(value as EntriesScope)}
            data={[
              { value: 'mine', label: t('auditEntries.scopeMine') },
              { value: 'all', label: t('auditEntries.scopeAll') },
            ]}
          />
        ) : null}
      </Group>

      {list.isError ? (
        <ErrorBanner error={list.error} hasData={list.data !== undefined} onRetry={() => void list.refetch()} retrying={list.isFetching} />
      ) : null}

      {list.data === undefined ? (
        list.isError ? null : (
          <ListSkeleton rows={6} />
        )
      ) : items.length === 0 ? (
        <EmptyState title={q ? t('auditEntries.emptySearch', { q }) : t('auditEntries.empty')} />
      ) : (
        <>
          <Table.ScrollContainer minWidth={560}>
            <Table striped highlightOnHover aria-busy={list.isFetching || undefined}>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th scope="col">{t('auditEntries.name')}</Table.Th>
                  <Table.Th scope="col">{t('auditEntries.description')}</Table.Th>
                  <Table.Th scope="col">{t('auditEntries.updated')}</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {items.map((item) => (
                  <Table.Tr key={item.id}>
                    <Table.Td>
                      <Anchor component={Link} to={`/audit/entries/${item.id}`}>
                        {item.name}
                      </Anchor>
                    </Table.Td>
                    <Table.Td>
                      <Text size="sm" lineClamp={1} maw={420}>
                        {item.description}
                      </Text>
                    </Table.Td>
                    <Table.Td>
                      <Text size="sm">{dateTime(item.updatedAt, i18n.language)}</Text>
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
          {list.hasNextPage ? (
            <Group>
              <Button variant="default" onClick={() => void list.fetchNextPage()} loading={list.isFetchingNextPage}>
                {t('auditEntries.loadMore')}
              </Button>
            </Group>
          ) : null}
        </>
      )}
    </Stack>
  );
}
