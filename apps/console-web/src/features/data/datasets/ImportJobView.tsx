import { Alert, Badge, Button, Group, Paper, Progress, SimpleGrid, Stack, Table, Text, Title } from '@mantine/core';
import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useApi } from '../../../app/services-context';
import { byteSize, dateTime } from '../../../lib/format';
import { ErrorBanner } from '../../../ui/ErrorBanner';
import { ListSkeleton } from '../../../ui/Skeletons';
import { type ImportJob, type ImportStatus, isFinished, useDatasetChanged, useImportJob } from './data-queries';
import { downloadAnswer } from './download';

const STATUS_COLOR: Record<ImportStatus, string> = { queued: 'gray.7', running: 'blue', completed: 'teal.9', failed: 'red.9' };

/** Share of the file parsed so far, 0-100 (a finished job is at 100). */
export function jobProgress(job: Pick<ImportJob, 'status' | 'bytes' | 'bytesRead'>): number {
  if (isFinished(job.status)) return 100;
  if (job.bytes <= 0) return 0;
  return Math.min(100, Math.round((job.bytesRead / job.bytes) * 100));
}

function RejectedDownload({ datasetId, jobId }: { datasetId: string; jobId: string }) {
  const { t } = useTranslation();
  const api = useApi();
  const [state, setState] = useState<{ busy: boolean; error?: unknown; saved?: string }>({ busy: false });
  const onClick = () => {
    setState({ busy: true });
    downloadAnswer(
      api.GET('/api/v1/data/datasets/{id}/imports/{jobId}/rejected.csv', { params: { path: { id: datasetId, jobId } }, parseAs: 'blob' }),
      `rejected-${jobId}.csv`,
    ).then(
      (saved) => setState({ busy: false, saved }),
      (error: unknown) => setState({ busy: false, error }),
    );
  };
  return (
    <Stack gap="xs">
      <Group gap="sm">
        <Button variant="default" onClick={onClick} loading={state.busy}>
          {t('dataDatasets.job.downloadRejected')}
        </Button>
        {state.saved ? (
          <Text size="sm" role="status">
            {t('dataDatasets.job.downloaded', { name: state.saved })}
          </Text>
        ) : null}
      </Group>
      {state.error ? <ErrorBanner error={state.error} /> : null}
    </Stack>
  );
}

/**
 * One import job, polled until it completes or fails: its status in words, a progress bar of the
 * bytes parsed, the row counts; then the outcome (role=status, or role=alert when it failed),
 * the errors with the file line each is on, and the rejected rows as a CSV download.
 */
export function ImportJobView({ datasetId, jobId, name }: { datasetId: string; jobId: string; name?: string }) {
  const { t, i18n } = useTranslation();
  const query = useImportJob(datasetId, jobId);
  const changed = useDatasetChanged(datasetId);
  const job = query.data;
  const finished = job !== undefined && isFinished(job.status);

  // once finished: the dataset, its rows, versions and jobs are what the job made of them
  const announced = useRef(false);
  useEffect(() => {
    if (finished && !announced.current) {
      announced.current = true;
      changed();
    }
  }, [finished, changed]);

  const heading = name ? t('dataDatasets.job.heading', { name }) : job ? t('dataDatasets.job.headingAt', { date: dateTime(job.createdAt, i18n.language) }) : t('dataDatasets.tabs.import');

  return (
    <Paper withBorder p="md" component="section" aria-labelledby={`import-job-${jobId}`} data-testid="import-job">
      <Stack gap="sm">
        <Group justify="space-between" wrap="wrap">
          <Title order={3} size="h5" id={`import-job-${jobId}`}>
            {heading}
          </Title>
          {job ? (
            <Badge color={STATUS_COLOR[job.status]} variant="filled" data-testid="import-job-status">
              {t(`dataDatasets.job.status.${job.status}`)}
            </Badge>
          ) : null}
        </Group>
        {query.isError ? <ErrorBanner error={query.error} hasData={job !== undefined} onRetry={() => void query.refetch()} retrying={query.isFetching} /> : null}
        {!job && query.isPending ? <ListSkeleton rows={2} /> : null}
        {job ? (
          <>
            <Stack gap={4}>
              <Progress value={jobProgress(job)} aria-label={t('dataDatasets.job.progress')} animated={!finished} color={job.status === 'failed' ? 'red.9' : undefined} />
              <Text size="sm" c="dimmed">
                {t('dataDatasets.job.progressText', { read: byteSize(job.bytesRead, i18n.language), total: byteSize(job.bytes, i18n.language) })}
              </Text>
            </Stack>
            <SimpleGrid cols={3} maw={480} data-testid="import-job-counts">
              <Stack gap={0}>
                <Text size="xs" c="dimmed">
                  {t('dataDatasets.job.rowsRead')}
                </Text>
                <Text fw={600}>{job.rowsRead}</Text>
              </Stack>
              <Stack gap={0}>
                <Text size="xs" c="dimmed">
                  {t('dataDatasets.job.rowsImported')}
                </Text>
                <Text fw={600}>{job.rowsImported}</Text>
              </Stack>
              <Stack gap={0}>
                <Text size="xs" c="dimmed">
                  {t('dataDatasets.job.rowsRejected')}
                </Text>
                <Text fw={600}>{job.rowsRejected}</Text>
              </Stack>
            </SimpleGrid>
            {job.status === 'completed' ? (
              <Alert color="teal" variant="light" role="status">
                {t('dataDatasets.job.completed', { imported: job.rowsImported, rejected: job.rowsRejected, version: job.version ?? '' })}
              </Alert>
            ) : job.status === 'failed' ? (
              <Alert color="red" variant="light" role="alert">
                {t('dataDatasets.job.failed', { message: job.failure?.message ?? job.failure?.code ?? '' })}
              </Alert>
            ) : null}
            {job.errors.length > 0 ? (
              <Stack gap="xs">
                <Title order={4} size="h6" id={`import-errors-${jobId}`}>
                  {t('dataDatasets.job.errors')}
                </Title>
                {job.rowsRejected > job.errors.length ? (
                  <Text size="sm">{t('dataDatasets.job.errorsShown', { shown: job.errors.length, total: job.rowsRejected })}</Text>
                ) : null}
                <Table.ScrollContainer minWidth={640}>
                  <Table striped aria-labelledby={`import-errors-${jobId}`}>
                    <Table.Thead>
                      <Table.Tr>
                        <Table.Th scope="col">{t('dataDatasets.job.line')}</Table.Th>
                        <Table.Th scope="col">{t('dataDatasets.job.column')}</Table.Th>
                        <Table.Th scope="col">{t('dataDatasets.job.value')}</Table.Th>
                        <Table.Th scope="col">{t('dataDatasets.job.rule')}</Table.Th>
                        <Table.Th scope="col">{t('dataDatasets.job.message')}</Table.Th>
                      </Table.Tr>
                    </Table.Thead>
                    <Table.Tbody>
                      {job.errors.map((error, index) => (
                        <Table.Tr key={`${error.line}-${error.column ?? ''}-${index}`}>
                          <Table.Td>{error.line}</Table.Td>
                          <Table.Td>{error.column ?? t('dataDatasets.job.wholeRow')}</Table.Td>
                          <Table.Td ff="monospace" style={{ overflowWrap: 'anywhere' }}>
                            {error.value ?? ''}
                          </Table.Td>
                          <Table.Td>{error.rule}</Table.Td>
                          <Table.Td>{error.message}</Table.Td>
                        </Table.Tr>
                      ))}
                    </Table.Tbody>
                  </Table>
                </Table.ScrollContainer>
              </Stack>
            ) : null}
            {finished && job.rowsRejected > 0 ? <RejectedDownload datasetId={datasetId} jobId={jobId} /> : null}
          </>
        ) : null}
      </Stack>
    </Paper>
  );
}
