import { Anchor, Paper, Stack, Title } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate } from 'react-router';
import { usePageTitle } from '../../../ui/usePageTitle';
import { ReportForm } from './ReportForm';
import { useCreateReport } from './queries';

/** `/statistics/reports/new`: a new report of the signed-in user; then its page. */
export default function NewReportPage() {
  const { t } = useTranslation();
  usePageTitle(t('statisticsReports.createTitle'));
  const navigate = useNavigate();
  const create = useCreateReport();

  return (
    <Stack gap="md">
      <Anchor component={Link} to="/statistics/reports" size="sm">
        ← {t('statisticsReports.back')}
      </Anchor>
      <Title order={1} size="h2">
        {t('statisticsReports.createTitle')}
      </Title>
      <Paper withBorder p="md" maw={640}>
        <ReportForm
          submitLabel={t('statisticsReports.createSubmit')}
          onSubmit={async (body) => {
            const created = await create.mutateAsync(body);
            void navigate(`/statistics/reports/${created.id}`, { replace: true });
            return created;
          }}
        />
      </Paper>
    </Stack>
  );
}
