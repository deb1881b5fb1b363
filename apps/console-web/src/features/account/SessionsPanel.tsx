import { Badge, Button, EmptyState, Group, Stack, Table, Text } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { expectOk, unwrap } from '../../api/client';
import { useApi, useSession } from '../../app/services-context';
import { dateTime, relativeTime } from '../../lib/format';
import { ErrorBanner } from '../../ui/ErrorBanner';
import { ListSkeleton } from '../../ui/Skeletons';

export const sessionsKey = ['auth', 'sessions'] as const;

/** `GET /api/v1/auth/sessions` with revoke (`DELETE …/sessions/{id}`) and "Sign out everywhere" (`POST …/logout-all`). */
export function SessionsPanel() {
  const { t, i18n } = useTranslation();
  const api = useApi();
  const session = useSession();
  const queryClient = useQueryClient();
  const sessions = useQuery({
    queryKey: sessionsKey,
    queryFn: ({ signal }) => unwrap(api.GET('/api/v1/auth/sessions', { signal })),
  });
  const revoke = useMutation({
    mutationFn: (id: string) => expectOk(api.DELETE('/api/v1/auth/sessions/{id}', { params: { path: { id } } })),
    onSettled: () => void queryClient.invalidateQueries({ queryKey: sessionsKey }),
  });
  const everywhere = useMutation({
    mutationFn: () => expectOk(api.POST('/api/v1/auth/logout-all')),
    // every session is over, this one included: sign-in is next (in every tab)
    onSuccess: () => session.endEverywhere('elsewhere'),
  });

  const items = sessions.data?.items ?? [];
  return (
    <Stack gap="sm">
      {sessions.isError ? (
        <ErrorBanner
          error={sessions.error}
          hasData={sessions.data !== undefined}
          onRetry={() => void sessions.refetch()}
          retrying={sessions.isFetching}
        />
      ) : null}
      {revoke.isError ? <ErrorBanner error={revoke.error} /> : null}
      {sessions.data === undefined ? (
        sessions.isError ? null : (
          <ListSkeleton rows={3} />
        )
      ) : items.length === 0 ? (
        <EmptyState title={t('account.sessions.empty')} />
      ) : (
        <Table.ScrollContainer minWidth={640}>
          <Table striped>
            <Table.Thead>
              <Table.Tr>
                <Table.Th scope="col">{t('account.sessions.started')}</Table.Th>
                <Table.Th scope="col">{t('account.sessions.lastUsed')}</Table.Th>
                <Table.Th scope="col">{t('account.sessions.device')}</Table.Th>
                <Table.Th scope="col">{t('account.sessions.ip')}</Table.Th>
                <Table.Th scope="col">
                  <span className="visually-hidden">{t('account.sessions.revoke')}</span>
                </Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {items.map((item) => (
                <Table.Tr key={item.id}>
                  <Table.Td>{dateTime(item.createdAt, i18n.language)}</Table.Td>
                  <Table.Td>
                    <time dateTime={item.lastUsedAt} title={dateTime(item.lastUsedAt, i18n.language)}>
                      {relativeTime(item.lastUsedAt, i18n.language)}
                    </time>
                  </Table.Td>
                  <Table.Td>
                    <Text size="sm" lineClamp={2} maw={280}>
                      {item.userAgent ?? t('common.unknown')}
                    </Text>
                  </Table.Td>
                  <Table.Td>{item.ip ?? t('common.unknown')}</Table.Td>
                  <Table.Td>
                    {item.current ? (
                      <Badge variant="light">{t('account.sessions.current')}</Badge>
                    ) : (
                      <Button
                        size="xs"
                        variant="default"
                        onClick={() => revoke.mutate(item.id)}
                        loading={revoke.isPending && revoke.variables === item.id}
                        aria-label={t('account.sessions.revokeSession', { date: dateTime(item.createdAt, i18n.language) })}
                      >
                        {t('account.sessions.revoke')}
                      </Button>
                    )}
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
      {everywhere.isError ? <ErrorBanner error={everywhere.error} /> : null}
      <Group gap="sm">
        <Button color="red" variant="outline" onClick={() => everywhere.mutate()} loading={everywhere.isPending}>
          {t('account.sessions.signOutEverywhere')}
        </Button>
        <Text size="sm" c="dimmed">
          {t('account.sessions.signOutEverywhereHint')}
        </Text>
      </Group>
    </Stack>
  );
}
