import { Anchor, Button, Group, Paper, Skeleton, Stack, Text, Title } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate, useParams } from 'react-router';
import { isApiError } from '../../../api/errors';
import { dateTime } from '../../../lib/format';
import { ConfirmDialog } from '../../../ui/ConfirmDialog';
import { ErrorBanner } from '../../../ui/ErrorBanner';
import { ListSkeleton } from '../../../ui/Skeletons';
import { usePageTitle } from '../../../ui/usePageTitle';
import { ReportForm } from './ReportForm';
import { useDeleteReport, useReport, useUpdateReport } from './queries';

/** `/statistics/reports/:id`: a report (its owner or an admin): change it; delete it after confirming. */
export default function ReportPage() {
  const { t, i18n } = useTranslation();
  const { id = '' } = useParams();
  const navigate = useNavigate();
  const remove = useDeleteReport(id);
  const report = useReport(id, !remove.isSuccess);
  const update = useUpdateReport(id);
  const [confirming, confirm] = useDisclosure(false);
  usePageTitle(t('statisticsReports.detailTitle', { name: report.data?.name ?? '' }));

  const onDelete = async () => {
    try {
      await remove.mutateAsync();
      confirm.close();
      void navigate('/statistics/reports', { replace: true });
    } catch {
      // shown in the dialog
    }
  };

  return (
    <Stack gap="md">
      <Anchor component={Link} to="/statistics/reports" size="sm">
        ← {t('statisticsReports.back')}
      </Anchor>
      <Title order={1} size="h2">
        {report.data ? report.data.name : report.isPending ? <Skeleton height={28} width={240} component="span" display="inline-block" /> : t('statisticsReports.detailHeading')}
      </Title>

      {/* 400: an address whose id is not an ObjectId names nothing either */}
      {report.isError && (isApiError(report.error, 404) || isApiError(report.error, 400)) ? (
        <Text>{t('statisticsReports.notFound')}</Text>
      ) : report.isError ? (
        <ErrorBanner
          error={report.error}
          hasData={report.data !== undefined}
          onRetry={() => void report.refetch()}
          retrying={report.isFetching}
        />
      ) : null}

      {report.data ? (
        <>
          <Text c="dimmed" size="sm">
            {t('statisticsReports.created', { date: dateTime(report.data.createdAt, i18n.language) })} · {t('statisticsReports.owner')}{' '}
            <Text span ff="monospace" size="sm">
              {report.data.ownerId}
            </Text>
          </Text>
          <Paper withBorder p="md" component="section" aria-labelledby="report-details-heading" maw={640}>
            <Title order={2} size="h4" mb="sm" id="report-details-heading">
              {t('statisticsReports.details')}
            </Title>
            <ReportForm report={report.data} submitLabel={t('common.save')} onSubmit={(body) => update.mutateAsync(body)} />
          </Paper>
          <Group>
            <Button color="red" variant="outline" onClick={confirm.open}>
              {t('statisticsReports.delete')}
            </Button>
          </Group>
          <ConfirmDialog
            opened={confirming}
            onClose={confirm.close}
            title={t('statisticsReports.deleteTitle')}
            body={t('statisticsReports.deleteBody', { name: report.data.name })}
            confirmLabel={t('common.delete')}
            onConfirm={() => void onDelete()}
            loading={remove.isPending}
            error={remove.isError ? remove.error : undefined}
            danger
          />
        </>
      ) : report.isPending ? (
        <ListSkeleton rows={4} height={36} />
      ) : null}
    </Stack>
  );
}
