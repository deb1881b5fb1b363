import { Anchor, Button, Paper, Stack, Title } from '@mantine/core';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate } from 'react-router';
import { usePageTitle } from '../../ui/usePageTitle';
import { ApplicationForm } from './ApplicationForm';
import { type RegisteredApplication, useRegisterApplication } from './queries';
import { SecretOnce } from './SecretOnce';

/**
 * `/applications/new`: registers an application. A confidential one's secret is shown here, once,
 * in memory only (not in the URL, the history state or the query cache); a public one goes
 * straight to its page.
 */
export default function NewApplicationPage() {
  const { t } = useTranslation();
  usePageTitle(t('applications.createTitle'));
  const navigate = useNavigate();
  const register = useRegisterApplication();
  const [registered, setRegistered] = useState<RegisteredApplication | null>(null);

  return (
    <Stack gap="md">
      <Anchor component={Link} to="/applications" size="sm">
        ← {t('applications.back')}
      </Anchor>
      <Title order={1} size="h2">
        {registered ? registered.name : t('applications.createTitle')}
      </Title>
      {registered?.clientSecret ? (
        <Stack gap="md" maw={720}>
          <SecretOnce secret={registered.clientSecret} />
          <div>
            <Button component={Link} to={`/applications/${registered.id}`}>
              {t('applications.detailTitle', { name: registered.name })}
            </Button>
          </div>
        </Stack>
      ) : (
        <Paper withBorder p="md" maw={720}>
          <ApplicationForm
            submitLabel={t('applications.createSubmit')}
            onSubmit={async (body) => {
              const created = await register.mutateAsync(body);
              if (created.clientSecret) setRegistered(created);
              else void navigate(`/applications/${created.id}`, { replace: true });
              return created;
            }}
          />
        </Paper>
      )}
    </Stack>
  );
}
