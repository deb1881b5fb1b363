import { Anchor, Badge, Button, EmptyState, Group, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { dateTime } from '../../lib/format';
import { ErrorBanner } from '../../ui/ErrorBanner';
import { ListSkeleton } from '../../ui/Skeletons';
import { usePageTitle } from '../../ui/usePageTitle';
import { useUsersList } from './queries';

/** How long typing must pause before the search runs. */
export const SEARCH_DEBOUNCE_MS = 300;

/** `/users` (admins): search as you type (prefix of email or name), "Load more" pages. */
export default function UsersPage() {
  const { t, i18n } = useTranslation();
  usePageTitle(t('users.title'));
  const [search, setSearch] = useState('');
  const [q] = useDebouncedValue(search.trim().slice(0, 100), SEARCH_DEBOUNCE_MS);
  const list = useUsersList(q);
  const users = list.data?.pages.flatMap((page) => page.items) ?? [];

  return (
    <Stack gap="md">
      <Title order={1} size="h2">
        {t('users.title')}
      </Title>
      <TextInput
        type="search"
        label={t('users.search')}
        placeholder={t('users.searchPlaceholder')}
        description={t('users.searchHint')}
        value={search}
        onChange={(event) => setSearch(event.currentTarget.value)}
        maxLength={100}
        autoComplete="off"
        maw={420}
      />

      {list.isError ? (
        <ErrorBanner
          error={list.error}
          hasData={list.data !== undefined}
          onRetry={() => void list.refetch()}
          retrying={list.isFetching}
        />
      ) : null}

      {list.data === undefined ? (
        list.isError ? null : (
          <ListSkeleton rows={6} />
        )
      ) : users.length === 0 ? (
        <EmptyState title={q ? t('users.emptySearch', { q }) : t('users.empty')} />
      ) : (
        <>
          <Table.ScrollContainer minWidth={560}>
            <Table striped highlightOnHover aria-busy={list.isFetching || undefined}>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th scope="col">{t('users.name')}</Table.Th>
                  <Table.Th scope="col">{t('users.email')}</Table.Th>
                  <Table.Th scope="col">{t('users.roles')}</Table.Th>
                  <Table.Th scope="col">{t('users.created')}</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {users.map((user) => (
                  <Table.Tr key={user.id}>
                    <Table.Td>
                      <Anchor component={Link} to={`/users/${user.id}`}>
                        {user.name}
                      </Anchor>
                    </Table.Td>
                    <Table.Td>{user.email}</Table.Td>
                    <Table.Td>
                      <Group gap={4}>
                        {user.roles.map((role) => (
                          <Badge key={role} variant={role === 'admin' ? 'filled' : 'light'} size="sm">
                            {t(`users.role.${role}`)}
                          </Badge>
                        ))}
                      </Group>
                    </Table.Td>
                    <Table.Td>
                      <Text size="sm">{dateTime(user.createdAt, i18n.language)}</Text>
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
          {list.hasNextPage ? (
            <Group>
              <Button variant="default" onClick={() => void list.fetchNextPage()} loading={list.isFetchingNextPage}>
                {t('users.loadMore')}
              </Button>
            </Group>
          ) : null}
        </>
      )}
    </Stack>
  );
}
