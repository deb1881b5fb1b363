import { Paper, Stack, Text, Title } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { useMe } from '../../auth/useMe';
import { ListSkeleton } from '../../ui/Skeletons';
import { usePageTitle } from '../../ui/usePageTitle';
import { RecentActivityPanel } from '../audit/RecentActivityPanel';
import { UserForm } from '../users/UserForm';
import { AuthorizedAppsPanel } from './AuthorizedAppsPanel';
import { PasswordForm } from './PasswordForm';
import { SecuritySection } from './security/SecuritySection';
import { SessionsPanel } from './SessionsPanel';

/** `/account`: my profile, my password, my sessions, the applications I authorized, my recent security activity. */
export default function AccountPage() {
  const { t } = useTranslation();
  usePageTitle(t('account.title'));
  const me = useMe();

  return (
    <Stack gap="lg">
      <Title order={1} size="h2">
        {t('account.title')}
      </Title>

      <Paper withBorder p="md" component="section" aria-labelledby="account-profile">
        <Title order={2} size="h4" mb="sm" id="account-profile">
          {t('profile.heading')}
        </Title>
        {me.data ? (
          <>
            <Text size="sm" c="dimmed" mb="sm">
              {t('profile.email')}: {me.data.email}
            </Text>
            <UserForm user={me.data} canEditRoles={false} />
          </>
        ) : me.isError ? null : (
          // on failure the shell shows why, with Retry
          <ListSkeleton rows={5} height={36} />
        )}
      </Paper>

      <Paper withBorder p="md" component="section" aria-labelledby="account-password">
        <Title order={2} size="h4" mb="sm" id="account-password">
          {t('account.password.heading')}
        </Title>
        <PasswordForm />
      </Paper>

      <SecuritySection me={me.data} />

      <Paper withBorder p="md" component="section" aria-labelledby="account-sessions">
        <Title order={2} size="h4" id="account-sessions">
          {t('account.sessions.heading')}
        </Title>
        <Text size="sm" c="dimmed" mb="sm">
          {t('account.sessions.description')}
        </Text>
        <SessionsPanel />
      </Paper>

      <Paper withBorder p="md" component="section" aria-labelledby="account-apps">
        <Title order={2} size="h4" id="account-apps">
          {t('account.apps.heading')}
        </Title>
        <Text size="sm" c="dimmed" mb="sm">
          {t('account.apps.description')}
        </Text>
        <AuthorizedAppsPanel />
      </Paper>

      <Paper withBorder p="md" component="section" aria-labelledby="account-activity">
        <Title order={2} size="h4" id="account-activity">
          {t('audit.recentHeading')}
        </Title>
        <Text size="sm" c="dimmed" mb="sm">
          {t('audit.recentDescription')}
        </Text>
        <RecentActivityPanel />
      </Paper>
    </Stack>
  );
}
