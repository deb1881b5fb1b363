import { Anchor, Badge, Button, EmptyState, Group, Paper, SegmentedControl, Stack, Table, Text, Title } from '@mantine/core';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { useApi } from '../../../app/services-context';
import { isAdmin, useMe } from '../../../auth/useMe';
import { byteSize, dateTime } from '../../../lib/format';
import { ConfirmDialog } from '../../../ui/ConfirmDialog';
import { ErrorBanner } from '../../../ui/ErrorBanner';
import { ListSkeleton } from '../../../ui/Skeletons';
import { usePageTitle } from '../../../ui/usePageTitle';
import { downloadAnswer } from '../../data/datasets/download';
import { ReportForm } from './ReportForm';
import { isOpen, type Report, type ReportStatus, type ReportsScope, useCreateReport, useDeleteReport, useReportsList } from './queries';

const STATUS_COLOR: Record<ReportStatus, string> = { queued: 'gray.7', running: 'blue', completed: 'teal.9', failed: 'red.9' };
const DAY_MS = 86_400_000;

/** "1 Nov 2026 – 25 Nov 2026": the report's UTC days, the last one included (`to` is exclusive). */
function dayRange(report: Pick<Report, 'from' | 'to'>, language: string): string {
  const format = new Intl.DateTimeFormat(language, { dateStyle: 'medium', timeZone: 'UTC' });
  const from = Date.parse(report.from);
  const to = Date.parse(report.to);
  const last = to - from >= DAY_MS && to % DAY_MS === 0 ? to - DAY_MS : to;
  return format.formatRange(from, Math.max(from, last));
}

/** A completed report's file, fetched with the session's token and saved under its name. */
function DownloadButton({ report, onDone }: { report: Report; onDone: (outcome: { saved?: string; error?: unknown }) => void }) {
  const { t } = useTranslation();
  const api = useApi();
  const [busy, setBusy] = useState(false);
  const onClick = () => {
    setBusy(true);
    downloadAnswer(api.GET('/api/v1/statistics/reports/{id}/download', { params: { path: { id: report.id } }, parseAs: 'blob' }), report.filename)
      .then(
        (saved) => onDone({ saved }),
        (error: unknown) => onDone({ error }),
      )
      .finally(() => setBusy(false));
  };
  return (
    <Button size="xs" variant="light" onClick={onClick} loading={busy} aria-label={t('statisticsReports.list.downloadOf', { name: report.filename })}>
      {t('statisticsReports.list.download')}
    </Button>
  );
}

function StatusCell({ report }: { report: Report }) {
  const { t } = useTranslation();
  return (
    <Stack gap={4} align="flex-start">
      <Badge color={STATUS_COLOR[report.status]} variant="filled" data-testid="report-status">
        {t(`statisticsReports.status.${report.status}`)}
      </Badge>
      {report.status === 'failed' && report.failure ? (
        <Text size="xs" c="red.9">
          {t('statisticsReports.list.failure', { code: report.failure.code, message: report.failure.message })}
        </Text>
      ) : null}
    </Stack>
  );
}

/**
 * `/statistics/reports`: generate a report (kind, UTC days, format), then follow it in the list
 * (asked again every second while any is queued or running), download it once completed, or
 * delete it; a failed one says its code. Admins may list everyone's.
 */
export default function ReportsPage() {
  const { t, i18n } = useTranslation();
  usePageTitle(t('statisticsReports.title'));
  const me = useMe();
  const admin = isAdmin(me.data);
  const [scope, setScope] = useState<ReportsScope>('mine');
  const list = useReportsList(scope);
  const create = useCreateReport();
  const remove = useDeleteReport();
  const [deleting, setDeleting] = useState<Report | null>(null);
  const [download, setDownload] = useState<{ saved?: string; error?: unknown }>({});
  const items = list.data?.pages.flatMap((page) => page.items) ?? [];
  const generating = items.some((report) => isOpen(report.status));
  const showOwner = admin && scope === 'all';

  const onDelete = async () => {
    if (!deleting) return;
    try {
      await remove.mutateAsync(deleting.id);
      setDeleting(null);
    } catch {
      // shown in the dialog
    }
  };

  return (
    <Stack gap="md">
      <Anchor component={Link} to="/statistics" size="sm">
        ← {t('statisticsReports.back')}
      </Anchor>
      <Title order={1} size="h2">
        {t('statisticsReports.title')}
      </Title>
      <Text size="sm" maw={720}>
        {admin ? t('statisticsReports.introAdmin') : t('statisticsReports.intro')}
      </Text>

      <Paper withBorder p="md" component="section" aria-labelledby="report-create-heading" maw={720}>
        <Title order={2} size="h4" mb="sm" id="report-create-heading">
          {t('statisticsReports.create.heading')}
        </Title>
        <ReportForm onSubmit={(body) => create.mutateAsync(body)} />
      </Paper>

      <Paper withBorder p="md" component="section" aria-labelledby="report-list-heading">
        <Group justify="space-between" align="flex-end" mb="sm" wrap="wrap" gap="xs">
          <div>
            <Title order={2} size="h4" id="report-list-heading">
              {t('statisticsReports.list.heading')}
            </Title>
            {generating ? (
              <Text size="xs" c="dimmed">
                {t('statisticsReports.list.following')}
              </Text>
            ) : null}
          </div>
          {admin ? (
            <SegmentedControl
              aria-label={t('statisticsReports.list.scope')}
              value={scope}
              onChange={(value) => setScope(value as ReportsScope)}
              data={[
                { value: 'mine', label: t('statisticsReports.list.scopeMine') },
                { value: 'all', label: t('statisticsReports.list.scopeAll') },
              ]}
            />
          ) : null}
        </Group>

        <Stack gap="sm">
          {list.isError ? (
            <ErrorBanner error={list.error} hasData={list.data !== undefined} onRetry={() => void list.refetch()} retrying={list.isFetching} />
          ) : null}
          {download.saved ? (
            <Text size="sm" role="status">
              {t('statisticsReports.list.downloaded', { name: download.saved })}
            </Text>
          ) : null}
          {download.error ? <ErrorBanner error={download.error} /> : null}

          {list.data === undefined ? (
            list.isError ? null : (
              <ListSkeleton rows={4} />
            )
          ) : items.length === 0 ? (
            <EmptyState title={t('statisticsReports.list.empty')} />
          ) : (
            <Table.ScrollContainer minWidth={720}>
              <Table striped aria-labelledby="report-list-heading">
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th scope="col">{t('statisticsReports.list.file')}</Table.Th>
                    <Table.Th scope="col">{t('statisticsReports.list.range')}</Table.Th>
                    {showOwner ? <Table.Th scope="col">{t('statisticsReports.list.owner')}</Table.Th> : null}
                    <Table.Th scope="col">{t('statisticsReports.list.requested')}</Table.Th>
                    <Table.Th scope="col">{t('statisticsReports.list.status')}</Table.Th>
                    <Table.Th scope="col">{t('statisticsReports.list.size')}</Table.Th>
                    <Table.Th scope="col">{t('statisticsReports.list.actions')}</Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {items.map((report) => (
                    <Table.Tr key={report.id} data-report={report.id}>
                      <Table.Td>
                        <Text size="sm" ff="monospace" style={{ overflowWrap: 'anywhere' }}>
                          {report.filename}
                        </Text>
                        <Text size="xs" c="dimmed">
                          {t(`statisticsReports.kinds.${report.kind}`)} · {t(`statisticsReports.formats.${report.format}`)}
                        </Text>
                      </Table.Td>
                      <Table.Td>
                        <Text size="sm">{dayRange(report, i18n.language)}</Text>
                      </Table.Td>
                      {showOwner ? (
                        <Table.Td ff="monospace">
                          <Text size="sm" ff="monospace">
                            {report.ownerId}
                          </Text>
                        </Table.Td>
                      ) : null}
                      <Table.Td>
                        <Text size="sm">{dateTime(report.createdAt, i18n.language)}</Text>
                      </Table.Td>
                      <Table.Td>
                        <StatusCell report={report} />
                      </Table.Td>
                      <Table.Td>
                        <Text size="sm">{report.status === 'completed' ? byteSize(report.bytes, i18n.language) : '—'}</Text>
                      </Table.Td>
                      <Table.Td>
                        <Group gap="xs" wrap="nowrap">
                          {report.status === 'completed' ? <DownloadButton report={report} onDone={setDownload} /> : null}
                          <Button
                            size="xs"
                            variant="light"
                            color="red"
                            onClick={() => {
                              remove.reset();
                              setDeleting(report);
                            }}
                            aria-label={t('statisticsReports.list.deleteOf', { name: report.filename })}
                          >
                            {t('statisticsReports.list.delete')}
                          </Button>
                        </Group>
                      </Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            </Table.ScrollContainer>
          )}
          {list.hasNextPage ? (
            <Group>
              <Button variant="default" onClick={() => void list.fetchNextPage()} loading={list.isFetchingNextPage}>
                {t('statisticsReports.list.loadMore')}
              </Button>
            </Group>
          ) : null}
        </Stack>
      </Paper>

      <ConfirmDialog
        opened={deleting !== null}
        onClose={() => setDeleting(null)}
        title={t('statisticsReports.deleteTitle')}
        body={t('statisticsReports.deleteBody', { name: deleting?.filename ?? '' })}
        confirmLabel={t('common.delete')}
        onConfirm={() => void onDelete()}
        loading={remove.isPending}
        error={remove.isError ? remove.error : undefined}
        danger
      />
    </Stack>
  );
}
