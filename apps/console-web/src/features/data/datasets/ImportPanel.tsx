import { Button, FileButton, Group, Paper, Progress, Radio, Stack, Table, Text, Title } from '@mantine/core';
import { useQueryClient } from '@tanstack/react-query';
import { type DragEvent, useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../../../api/errors';
import { useSession } from '../../../app/services-context';
import { dateTime } from '../../../lib/format';
import { ErrorBanner } from '../../../ui/ErrorBanner';
import { describeError } from '../../../ui/messages';
import { datasetKey, IMPORT_MODES, type ImportMode, useImportJobs } from './data-queries';
import { ImportJobView } from './ImportJobView';
import { IMPORT_ACCEPT, startImport } from './import-upload';

const KNOWN_CODES = new Set(['DATA.TOO_LARGE', 'DATA.BAD_HEADER', 'DATA.TOO_MANY_COLUMNS', 'DATA.UNKNOWN_FORMAT', 'UNSUPPORTED_MEDIA_TYPE']);

interface Upload {
  name: string;
  /** 0-100 */
  progress: number;
  failure?: { reason: string; detail?: string };
}

/**
 * Import a file into a dataset: drop it on the zone or choose it (the button is the keyboard's
 * way in), in strict or skip-invalid mode. The upload has its own progress bar (XHR); then the
 * job it queued is followed until it completes or fails. Recent imports can be shown again.
 */
export function ImportPanel({ datasetId }: { datasetId: string }) {
  const { t, i18n } = useTranslation();
  const session = useSession();
  const queryClient = useQueryClient();
  const jobs = useImportJobs(datasetId);
  const [mode, setMode] = useState<ImportMode>('strict');
  const [upload, setUpload] = useState<Upload | null>(null);
  const [job, setJob] = useState<{ jobId: string; name?: string } | null>(null);
  const [dragging, setDragging] = useState(false);
  const resetInput = useRef<() => void>(null);
  const controller = useRef<AbortController | null>(null);

  // leaving the page ends an upload under way
  useEffect(() => () => controller.current?.abort(), []);

  const start = (files: File[]) => {
    resetInput.current?.();
    const file = files[0];
    if (!file) return;
    controller.current?.abort();
    const current = new AbortController();
    controller.current = current;
    setJob(null);
    setUpload({ name: file.name, progress: 0 });
    startImport(session, datasetId, file, mode, (fraction) => setUpload((shown) => (shown && !shown.failure ? { ...shown, progress: Math.round(fraction * 100) } : shown)), current.signal)
      .then((accepted) => {
        setUpload(null);
        setJob({ jobId: accepted.jobId, name: file.name });
        void queryClient.invalidateQueries({ queryKey: [...datasetKey(datasetId), 'imports'], exact: true });
      })
      .catch((error: unknown) => {
        if (current.signal.aborted) return;
        const code = error instanceof ApiError ? error.code : '';
        const failure = KNOWN_CODES.has(code)
          ? { reason: t(`dataDatasets.import.codes.${code}` as never), detail: (error as ApiError).message }
          : { reason: describeError(t, error) };
        setUpload({ name: file.name, progress: 0, failure });
      });
  };

  const onDrop = (event: DragEvent<HTMLDivElement>) => {
    event.preventDefault();
    setDragging(false);
    start(Array.from(event.dataTransfer.files));
  };

  return (
    <Stack gap="md">
      <Paper withBorder p="md" component="section" aria-labelledby="data-import-heading">
        <Stack gap="md">
          <Title order={2} size="h4" id="data-import-heading">
            {t('dataDatasets.import.heading')}
          </Title>
          <Radio.Group label={t('dataDatasets.import.mode')} value={mode} onChange={(value) => setMode(value as ImportMode)}>
            <Group gap="lg" mt="xs" align="flex-start">
              {IMPORT_MODES.map((value) => (
                <Radio
                  key={value}
                  value={value}
                  label={value === 'strict' ? t('dataDatasets.import.strict') : t('dataDatasets.import.skipInvalid')}
                  description={value === 'strict' ? t('dataDatasets.import.strictHint') : t('dataDatasets.import.skipInvalidHint')}
                  maw={360}
                />
              ))}
            </Group>
          </Radio.Group>
          <Paper
            withBorder
            p="lg"
            data-testid="import-drop-zone"
            data-dragging={dragging || undefined}
            onDragOver={(event: DragEvent<HTMLDivElement>) => {
              event.preventDefault();
              setDragging(true);
            }}
            onDragLeave={() => setDragging(false)}
            onDrop={onDrop}
            style={{ borderStyle: 'dashed', borderWidth: 2, borderColor: dragging ? 'var(--mantine-primary-color-filled)' : undefined }}
          >
            <Group justify="space-between" wrap="wrap" gap="md">
              <Stack gap={4} style={{ flex: '1 1 260px' }}>
                <Text fw={600}>{t('dataDatasets.import.dropHere')}</Text>
                <Text size="sm" c="dimmed">
                  {t('dataDatasets.import.dropHint')}
                </Text>
              </Stack>
              <FileButton onChange={(file) => start(file ? [file] : [])} accept={IMPORT_ACCEPT} resetRef={resetInput}>
                {(props) => <Button {...props}>{t('dataDatasets.import.choose')}</Button>}
              </FileButton>
            </Group>
          </Paper>
          {upload && !upload.failure ? (
            <Stack gap={4}>
              <Text size="sm">{t('dataDatasets.import.uploadingText', { name: upload.name, percent: upload.progress })}</Text>
              <Progress value={upload.progress} aria-label={t('dataDatasets.import.uploading', { name: upload.name })} animated />
            </Stack>
          ) : null}
          {upload?.failure ? (
            <div role="alert">
              <Text size="sm" fw={600} c="red.9">
                {t('dataDatasets.import.refused', { name: upload.name })}: {upload.failure.reason}
              </Text>
              {upload.failure.detail ? <Text size="sm">{upload.failure.detail}</Text> : null}
            </div>
          ) : null}
        </Stack>
      </Paper>

      {job ? <ImportJobView key={job.jobId} datasetId={datasetId} jobId={job.jobId} {...(job.name ? { name: job.name } : {})} /> : null}

      <Paper withBorder p="md" component="section" aria-labelledby="data-imports-heading">
        <Title order={2} size="h4" mb="sm" id="data-imports-heading">
          {t('dataDatasets.import.recent')}
        </Title>
        {jobs.isError ? <ErrorBanner error={jobs.error} onRetry={() => void jobs.refetch()} retrying={jobs.isFetching} /> : null}
        {jobs.data && jobs.data.items.length === 0 ? <Text size="sm">{t('dataDatasets.import.noRecent')}</Text> : null}
        {jobs.data && jobs.data.items.length > 0 ? (
          <Table.ScrollContainer minWidth={560}>
            <Table striped>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th scope="col">{t('dataDatasets.import.started')}</Table.Th>
                  <Table.Th scope="col">{t('dataDatasets.import.modeColumn')}</Table.Th>
                  <Table.Th scope="col">{t('dataDatasets.import.status')}</Table.Th>
                  <Table.Th scope="col">{t('dataDatasets.job.rowsImported')}</Table.Th>
                  <Table.Th scope="col">{t('dataDatasets.job.rowsRejected')}</Table.Th>
                  <Table.Th scope="col">
                    <span className="visually-hidden">{t('dataDatasets.versions.actions')}</span>
                  </Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {jobs.data.items.map((item) => {
                  const date = dateTime(item.createdAt, i18n.language);
                  return (
                    <Table.Tr key={item.jobId}>
                      <Table.Td>{date}</Table.Td>
                      <Table.Td>{t(`dataDatasets.import.modes.${item.mode}`)}</Table.Td>
                      <Table.Td>{t(`dataDatasets.job.status.${item.status}`)}</Table.Td>
                      <Table.Td>{item.rowsImported}</Table.Td>
                      <Table.Td>{item.rowsRejected}</Table.Td>
                      <Table.Td>
                        <Button
                          size="xs"
                          variant="subtle"
                          aria-label={t('dataDatasets.import.showJob', { date })}
                          aria-pressed={job?.jobId === item.jobId}
                          onClick={() => {
                            setUpload(null);
                            setJob({ jobId: item.jobId });
                          }}
                        >
                          {t('dataDatasets.import.show')}
                        </Button>
                      </Table.Td>
                    </Table.Tr>
                  );
                })}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        ) : null}
      </Paper>
    </Stack>
  );
}
