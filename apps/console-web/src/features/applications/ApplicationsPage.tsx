import { Anchor, Badge, Button, Code, EmptyState, Group, SegmentedControl, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { isAdmin, useMe } from '../../auth/useMe';
import { dateTime } from '../../lib/format';
import { ErrorBanner } from '../../ui/ErrorBanner';
import { ListSkeleton } from '../../ui/Skeletons';
import { usePageTitle } from '../../ui/usePageTitle';
import { type ApplicationsScope, useApplicationsList } from './queries';

export const SEARCH_DEBOUNCE_MS = 300;

/** `/applications`: my registered applications (admins may see everyone's), search, "Load more". */
export default function ApplicationsPage() {
  const { t, i18n } = useTranslation();
  usePageTitle(t('applications.title'));
  const me = useMe();
  const [search, setSearch] = useState('');
  const [scope, setScope] = useState<ApplicationsScope>('mine');
  const [q] = useDebouncedValue(search.trim().slice(0, 100), SEARCH_DEBOUNCE_MS);
  const list = useApplicationsList(q, scope);
  const items = list.data?.pages.flatMap((page) => page.items) ?? [];

  return (
    <Stack gap="md">
      <Group justify="space-between" align="flex-end">
        <Title order={1} size="h2">
          {t('applications.title')}
        </Title>
        <Button component={Link} to="/applications/new">
          {t('applications.create')}
        </Button>
      </Group>
      <Group align="flex-end" gap="md">
        <TextInput
          type="search"
          label={t('applications.search')}
          placeholder={t('applications.searchPlaceholder')}
          description={t('applications.searchHint')}
          value={search}
          onChange={(event) => setSearch(event.currentTarget.value)}
          maxLength={100}
          autoComplete="off"
          maw={420}
          style={{ flex: '1 1 240px' }}
        />
        {isAdmin(me.data) ? (
          <SegmentedControl
            aria-label={t('applications.scope')}
            value={scope}
            onChange={(value) => setScope(value as ApplicationsScope)}
            data={[
              { value: 'mine', label: t('applications.scopeMine') },
              { value: 'all', label: t('applications.scopeAll') },
            ]}
          />
        ) : null}
      </Group>

      {list.isError ? <ErrorBanner error={list.error} hasData={list.data !== undefined} onRetry={() => void list.refetch()} retrying={list.isFetching} /> : null}

      {list.data === undefined ? (
        list.isError ? null : (
          <ListSkeleton rows={6} />
        )
      ) : items.length === 0 ? (
        <EmptyState title={q ? t('applications.emptySearch', { q }) : t('applications.empty')} />
      ) : (
        <>
          <Table.ScrollContainer minWidth={640}>
            <Table striped highlightOnHover aria-busy={list.isFetching || undefined}>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th scope="col">{t('applications.name')}</Table.Th>
                  <Table.Th scope="col">{t('applications.type')}</Table.Th>
                  <Table.Th scope="col">{t('applications.clientId')}</Table.Th>
                  <Table.Th scope="col">{t('applications.updated')}</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {items.map((item) => (
                  <Table.Tr key={item.id}>
                    <Table.Td>
                      <Anchor component={Link} to={`/applications/${item.id}`}>
                        {item.name}
                      </Anchor>
                    </Table.Td>
                    <Table.Td>
                      <Badge variant="light" size="sm">
                        {item.type === 'confidential' ? t('applications.typeShortConfidential') : t('applications.typeShortPublic')}
                      </Badge>
                    </Table.Td>
                    <Table.Td>
                      <Code>{item.clientId}</Code>
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
                {t('applications.loadMore')}
              </Button>
            </Group>
          ) : null}
        </>
      )}
    </Stack>
  );
}
