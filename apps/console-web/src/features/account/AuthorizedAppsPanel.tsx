import { Badge, Button, EmptyState, Group, Stack, Table, Text } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { expectOk, unwrap } from '../../api/client';
import { useApi } from '../../app/services-context';
import { dateTime } from '../../lib/format';
import { ErrorBanner } from '../../ui/ErrorBanner';
import { ListSkeleton } from '../../ui/Skeletons';

export const grantsKey = ['auth', 'grants'] as const;

/** `GET /api/v1/auth/grants` with revoke (`DELETE …/grants/{clientId}`: the application's tokens end too). */
export function AuthorizedAppsPanel() {
  const { t, i18n } = useTranslation();
  const api = useApi();
  const queryClient = useQueryClient();
  const grants = useQuery({ queryKey: grantsKey, queryFn: ({ signal }) => unwrap(api.GET('/api/v1/auth/grants', { signal })) });
  const revoke = useMutation({
    mutationFn: (clientId: string) => expectOk(api.DELETE('/api/v1/auth/grants/{clientId}', { params: { path: { clientId } } })),
    onSettled: () => void queryClient.invalidateQueries({ queryKey: grantsKey }),
  });
  const items = grants.data?.items ?? [];

  return (
    <Stack gap="sm">
      {grants.isError ? <ErrorBanner error={grants.error} hasData={grants.data !== undefined} onRetry={() => void grants.refetch()} retrying={grants.isFetching} /> : null}
      {revoke.isError ? <ErrorBanner error={revoke.error} /> : null}
      {grants.data === undefined ? (
        grants.isError ? null : (
          <ListSkeleton rows={2} />
        )
      ) : items.length === 0 ? (
        <EmptyState title={t('account.apps.empty')} />
      ) : (
        <Table.ScrollContainer minWidth={520}>
          <Table>
            <Table.Thead>
              <Table.Tr>
                <Table.Th scope="col">{t('account.apps.app')}</Table.Th>
                <Table.Th scope="col">{t('account.apps.scopes')}</Table.Th>
                <Table.Th scope="col">{t('account.apps.since')}</Table.Th>
                <Table.Th scope="col">
                  <span className="visually-hidden">{t('account.apps.revoke')}</span>
                </Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {items.map((grant) => {
                const name = grant.name || t('account.apps.unknownApp');
                return (
                  <Table.Tr key={grant.clientId}>
                    <Table.Td>
                      <Text size="sm" fw={600}>
                        {name}
                      </Text>
                    </Table.Td>
                    <Table.Td>
                      <Group gap={4}>
                        {grant.scopes.map((scope) => (
                          <Badge key={scope} variant="light" size="sm">
                            {scope}
                          </Badge>
                        ))}
                      </Group>
                    </Table.Td>
                    <Table.Td>
                      <Text size="sm">{dateTime(grant.createdAt, i18n.language)}</Text>
                    </Table.Td>
                    <Table.Td>
                      <Button
                        size="xs"
                        variant="default"
                        aria-label={t('account.apps.revokeApp', { name })}
                        onClick={() => revoke.mutate(grant.clientId)}
                        loading={revoke.isPending && revoke.variables === grant.clientId}
                      >
                        {t('account.apps.revoke')}
                      </Button>
                    </Table.Td>
                  </Table.Tr>
                );
              })}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
    </Stack>
  );
}
