import { Anchor, Button, Group, Paper, SimpleGrid, Skeleton, Stack, Tabs, Text, Title } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate, useParams } from 'react-router';
import { isApiError } from '../../../api/errors';
import { dateTime } from '../../../lib/format';
import { ConfirmDialog } from '../../../ui/ConfirmDialog';
import { ErrorBanner } from '../../../ui/ErrorBanner';
import { ListSkeleton } from '../../../ui/Skeletons';
import { usePageTitle } from '../../../ui/usePageTitle';
import { DatasetForm } from './DatasetForm';
import { DatasetSummary } from './DatasetSummary';
import { ImportPanel } from './ImportPanel';
import { useDeleteDataset, useDataset, useUpdateDataset } from './queries';
import { RowsGrid } from './RowsGrid';
import { SchemaEditor } from './SchemaEditor';
import { TransformBuilder } from './TransformBuilder';
import { VersionsPanel } from './VersionsPanel';

/**
 * `/data/datasets/:id`: a dataset (its owner or an admin): its summary and details (rename,
 * describe), then tabs: import a file (and follow the job), the rows (filter, sort, pages,
 * export), the schema, a transformation with its live preview, the versions (roll back); delete
 * it after confirming.
 */
export default function DatasetPage() {
  const { t, i18n } = useTranslation();
  const { id = '' } = useParams();
  const navigate = useNavigate();
  const remove = useDeleteDataset(id);
  const dataset = useDataset(id, !remove.isSuccess);
  const update = useUpdateDataset(id);
  const [confirming, confirm] = useDisclosure(false);
  usePageTitle(t('dataDatasets.detailTitle', { name: dataset.data?.name ?? '' }));

  const onDelete = async () => {
    try {
      await remove.mutateAsync();
      confirm.close();
      void navigate('/data/datasets', { replace: true });
    } catch {
      // shown in the dialog
    }
  };

  return (
    <Stack gap="md">
      <Anchor component={Link} to="/data/datasets" size="sm">
        ← {t('dataDatasets.back')}
      </Anchor>
      <Title order={1} size="h2">
        {dataset.data ? dataset.data.name : dataset.isPending ? <Skeleton height={28} width={240} component="span" display="inline-block" /> : t('dataDatasets.detailHeading')}
      </Title>

      {/* 400: an address whose id is not an ObjectId names nothing either */}
      {dataset.isError && (isApiError(dataset.error, 404) || isApiError(dataset.error, 400)) ? (
        <Text>{t('dataDatasets.notFound')}</Text>
      ) : dataset.isError ? (
        <ErrorBanner
          error={dataset.error}
          hasData={dataset.data !== undefined}
          onRetry={() => void dataset.refetch()}
          retrying={dataset.isFetching}
        />
      ) : null}

      {dataset.data ? (
        <>
          <Text c="dimmed" size="sm">
            {t('dataDatasets.created', { date: dateTime(dataset.data.createdAt, i18n.language) })} · {t('dataDatasets.owner')}{' '}
            <Text span ff="monospace" size="sm">
              {dataset.data.ownerId}
            </Text>
          </Text>
          <SimpleGrid cols={{ base: 1, md: 2 }} spacing="md">
            <DatasetSummary dataset={dataset.data} />
            <Paper withBorder p="md" component="section" aria-labelledby="dataset-details-heading">
              <Title order={2} size="h4" mb="sm" id="dataset-details-heading">
                {t('dataDatasets.details')}
              </Title>
              <DatasetForm dataset={dataset.data} submitLabel={t('common.save')} onSubmit={(body) => update.mutateAsync(body)} />
            </Paper>
          </SimpleGrid>
          {/* kept mounted: an import under way goes on while another tab is shown */}
          <Tabs defaultValue="import" keepMounted>
            <Tabs.List aria-label={t('dataDatasets.tabs.label')}>
              <Tabs.Tab value="import">{t('dataDatasets.tabs.import')}</Tabs.Tab>
              <Tabs.Tab value="rows">{t('dataDatasets.tabs.rows')}</Tabs.Tab>
              <Tabs.Tab value="schema">{t('dataDatasets.tabs.schema')}</Tabs.Tab>
              <Tabs.Tab value="transform">{t('dataDatasets.tabs.transform')}</Tabs.Tab>
              <Tabs.Tab value="versions">{t('dataDatasets.tabs.versions')}</Tabs.Tab>
            </Tabs.List>
            <Tabs.Panel value="import" pt="md">
              <ImportPanel datasetId={dataset.data.id} />
            </Tabs.Panel>
            <Tabs.Panel value="rows" pt="md">
              <RowsGrid dataset={dataset.data} />
            </Tabs.Panel>
            <Tabs.Panel value="schema" pt="md">
              <SchemaEditor dataset={dataset.data} />
            </Tabs.Panel>
            <Tabs.Panel value="transform" pt="md">
              <TransformBuilder dataset={dataset.data} />
            </Tabs.Panel>
            <Tabs.Panel value="versions" pt="md">
              <VersionsPanel datasetId={dataset.data.id} />
            </Tabs.Panel>
          </Tabs>
          <Group>
            <Button color="red" variant="outline" onClick={confirm.open}>
              {t('dataDatasets.delete')}
            </Button>
          </Group>
          <ConfirmDialog
            opened={confirming}
            onClose={confirm.close}
            title={t('dataDatasets.deleteTitle')}
            body={t('dataDatasets.deleteBody', { name: dataset.data.name })}
            confirmLabel={t('common.delete')}
            onConfirm={() => void onDelete()}
            loading={remove.isPending}
            error={remove.isError ? remove.error : undefined}
            danger
          />
        </>
      ) : dataset.isPending ? (
        <ListSkeleton rows={4} height={36} />
      ) : null}
    </Stack>
  );
}
