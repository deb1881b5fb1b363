import { Button, Divider, Group, Paper, Stack, Text, Title } from '@mantine/core';
import { useMutation } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import type { User } from '../../../api/types';
import { useApi } from '../../../app/services-context';
import { ErrorBanner } from '../../../ui/ErrorBanner';
import { ListSkeleton } from '../../../ui/Skeletons';
import { ResendVerificationButton } from '../../auth/ResendVerification';
import { downloadAnswer } from '../../data/datasets/download';
import { DeleteAccountPanel } from './DeleteAccountPanel';
import { StatusHeading } from './StatusHeading';
import { TwoFactorPanel } from './TwoFactorPanel';

/** Whether the address is verified (`emailVerified` of `GET /auth/me`), with "Send the link again" when not. */
function EmailVerification({ me }: { me: User }) {
  const { t } = useTranslation();
  return (
    <Stack gap="xs" component="section" aria-labelledby="email-verification">
      <StatusHeading
        id="email-verification"
        title={t('accountSecurity.emailHeading')}
        status={me.emailVerified ? t('accountSecurity.emailVerified') : t('accountSecurity.emailUnverified')}
        good={me.emailVerified}
      />
      <Text size="sm">{me.email}</Text>
      {me.emailVerified ? null : (
        <>
          <Text size="sm" c="dimmed">
            {t('accountSecurity.emailUnverifiedHint', { email: me.email })}
          </Text>
          <ResendVerificationButton email={me.email} variant="default" />
        </>
      )}
    </Stack>
  );
}

/** "Download my data": `GET /api/v1/auth/me/export`, saved under the name the gateway gives. */
function DataExport() {
  const { t } = useTranslation();
  const api = useApi();
  const download = useMutation({
    mutationFn: () => downloadAnswer(api.GET('/api/v1/auth/me/export', { parseAs: 'blob' }), 'site11-account-export.json'),
  });
  return (
    <Stack gap="xs" component="section" aria-labelledby="data-export">
      <Title order={3} size="h5" id="data-export">
        {t('accountSecurity.dataHeading')}
      </Title>
      <Text size="sm">{t('accountSecurity.dataIntro')}</Text>
      {download.isError ? <ErrorBanner error={download.error} /> : null}
      <Group gap="sm">
        <Button variant="default" onClick={() => download.mutate()} loading={download.isPending}>
          {t('accountSecurity.download')}
        </Button>
        {download.isSuccess ? (
          <Text size="sm" role="status">
            {t('accountSecurity.downloaded', { name: download.data })}
          </Text>
        ) : null}
      </Group>
    </Stack>
  );
}

/** My account's "Security" area: email verification, two-factor authentication, my data, deleting the account. */
export function SecuritySection({ me }: { me: User | undefined }) {
  const { t } = useTranslation();
  return (
    <Paper withBorder p="md" component="section" aria-labelledby="account-security">
      <Title order={2} size="h4" mb="sm" id="account-security">
        {t('accountSecurity.heading')}
      </Title>
      {me ? (
        <Stack gap="md">
          <EmailVerification me={me} />
          <Divider />
          <TwoFactorPanel me={me} />
          <Divider />
          <DataExport />
          <Divider />
          <DeleteAccountPanel me={me} />
        </Stack>
      ) : (
        <ListSkeleton rows={4} height={36} />
      )}
    </Paper>
  );
}
