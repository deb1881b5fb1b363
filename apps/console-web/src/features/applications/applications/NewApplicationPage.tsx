import { Anchor, Paper, Stack, Title } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate } from 'react-router';
import { usePageTitle } from '../../../ui/usePageTitle';
import { ApplicationForm } from './ApplicationForm';
import { useCreateApplication } from './queries';

/** `/applications/applications/new`: a new application of the signed-in user; then its page. */
export default function NewApplicationPage() {
  const { t } = useTranslation();
  usePageTitle(t('applicationsApplications.createTitle'));
  const navigate = useNavigate();
  const create = useCreateApplication();

  return (
    <Stack gap="md">
      <Anchor component={Link} to="/applications/applications" size="sm">
        ← {t('applicationsApplications.back')}
      </Anchor>
      <Title order={1} size="h2">
        {t('applicationsApplications.createTitle')}
      </Title>
      <Paper withBorder p="md" maw={640}>
        <ApplicationForm
          submitLabel={t('applicationsApplications.createSubmit')}
          onSubmit={async (body) => {
            const created = await create.mutateAsync(body);
            void navigate(`/applications/applications/${created.id}`, { replace: true });
            return created;
          }}
        />
      </Paper>
    </Stack>
  );
}
