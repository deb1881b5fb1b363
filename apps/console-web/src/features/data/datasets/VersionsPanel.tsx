import { Alert, Badge, Button, Paper, Stack, Table, Text, Title } from '@mantine/core';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { dateTime } from '../../../lib/format';
import { ConfirmDialog } from '../../../ui/ConfirmDialog';
import { ErrorBanner } from '../../../ui/ErrorBanner';
import { ListSkeleton } from '../../../ui/Skeletons';
import { useRollback, useVersions } from './data-queries';

/** The kept versions of a dataset, newest first, each but the current one with "Roll back" (after confirming). */
export function VersionsPanel({ datasetId }: { datasetId: string }) {
  const { t, i18n } = useTranslation();
  const versions = useVersions(datasetId);
  const rollback = useRollback(datasetId);
  const [confirming, setConfirming] = useState<number | null>(null);
  const [rolledBack, setRolledBack] = useState<number | null>(null);

  const onConfirm = () => {
    if (confirming === null) return;
    const version = confirming;
    rollback.mutateAsync(version).then(
      () => {
        setConfirming(null);
        setRolledBack(version);
      },
      () => undefined, // shown in the dialog
    );
  };

  return (
    <Paper withBorder p="md" component="section" aria-labelledby="data-versions-heading">
      <Stack gap="sm">
        <Title order={2} size="h4" id="data-versions-heading">
          {t('dataDatasets.versions.heading')}
        </Title>
        <Text size="sm" c="dimmed">
          {t('dataDatasets.versions.hint')}
        </Text>
        {versions.isError ? <ErrorBanner error={versions.error} hasData={versions.data !== undefined} onRetry={() => void versions.refetch()} retrying={versions.isFetching} /> : null}
        {rolledBack !== null ? (
          <Alert color="teal" variant="light" role="status">
            {t('dataDatasets.versions.rolledBack', { version: rolledBack })}
          </Alert>
        ) : null}
        {versions.data === undefined ? (
          versions.isError ? null : (
            <ListSkeleton rows={3} />
          )
        ) : versions.data.items.length === 0 ? (
          <Text size="sm">{t('dataDatasets.versions.empty')}</Text>
        ) : (
          <Table.ScrollContainer minWidth={640}>
            <Table striped aria-labelledby="data-versions-heading">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th scope="col">{t('dataDatasets.versions.version')}</Table.Th>
                  <Table.Th scope="col">{t('dataDatasets.versions.source')}</Table.Th>
                  <Table.Th scope="col">{t('dataDatasets.versions.rows')}</Table.Th>
                  <Table.Th scope="col">{t('dataDatasets.versions.fields')}</Table.Th>
                  <Table.Th scope="col">{t('dataDatasets.versions.created')}</Table.Th>
                  <Table.Th scope="col">
                    <span className="visually-hidden">{t('dataDatasets.versions.actions')}</span>
                  </Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {versions.data.items.map((item) => (
                  <Table.Tr key={item.version}>
                    <Table.Td>{item.version}</Table.Td>
                    <Table.Td>{t(`dataDatasets.versions.sources.${item.source}`)}</Table.Td>
                    <Table.Td>{item.rowCount}</Table.Td>
                    <Table.Td>
                      <Text size="sm" lineClamp={2} maw={320}>
                        {item.schema.map((field) => field.name).join(', ')}
                      </Text>
                    </Table.Td>
                    <Table.Td>{dateTime(item.createdAt, i18n.language)}</Table.Td>
                    <Table.Td>
                      {item.current ? (
                        <Badge color="teal.9" variant="filled">
                          {t('dataDatasets.versions.current')}
                        </Badge>
                      ) : (
                        <Button size="xs" variant="default" onClick={() => setConfirming(item.version)}>
                          {t('dataDatasets.versions.rollback', { version: item.version })}
                        </Button>
                      )}
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        )}
      </Stack>
      <ConfirmDialog
        opened={confirming !== null}
        onClose={() => {
          setConfirming(null);
          rollback.reset();
        }}
        title={t('dataDatasets.versions.rollbackTitle', { version: confirming ?? '' })}
        body={t('dataDatasets.versions.rollbackBody', { version: confirming ?? '' })}
        confirmLabel={t('dataDatasets.versions.rollbackConfirm')}
        onConfirm={onConfirm}
        loading={rollback.isPending}
        error={rollback.isError ? rollback.error : undefined}
      />
    </Paper>
  );
}
