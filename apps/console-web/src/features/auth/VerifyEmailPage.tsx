import { Alert, Anchor, Stack, Text, Title } from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useSearchParams } from 'react-router';
import { expectOk } from '../../api/client';
import { useApi, useAuth } from '../../app/services-context';
import { meQueryKey } from '../../auth/useMe';
import { ErrorBanner } from '../../ui/ErrorBanner';
import { usePageTitle } from '../../ui/usePageTitle';
import { isMailToken, isRefusedMailToken } from './mail-token';
import { ResendVerificationForm } from './ResendVerification';

/**
 * `/verify-email?token=…`, the link of the verification mail: `POST /api/v1/auth/verify-email`
 * on load, signed in or not. The token works once, so it is sent once (not again when React's
 * StrictMode runs the effect twice); a failure without an answer offers Retry.
 */
export default function VerifyEmailPage() {
  const { t } = useTranslation();
  const api = useApi();
  const queryClient = useQueryClient();
  const { status } = useAuth();
  const token = useSearchParams()[0].get('token') ?? '';
  const wellFormed = isMailToken(token);
  usePageTitle(t('authSecurity.verifyTitle'));
  const verify = useMutation({
    mutationFn: () => expectOk(api.POST('/api/v1/auth/verify-email', { body: { token } })),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: meQueryKey }),
  });
  const sent = useRef(false);
  useEffect(() => {
    if (sent.current || !wellFormed) return;
    sent.current = true;
    verify.mutate();
  }, [verify, wellFormed]);

  const invalid = !wellFormed || isRefusedMailToken(verify.error, 'AUTH.INVALID_VERIFICATION_TOKEN');
  return (
    <Stack gap="md">
      <Title order={1} size="h2">
        {t('authSecurity.verifyTitle')}
      </Title>
      {invalid ? (
        <>
          <Alert color="red" variant="light" role="alert">
            {t('authSecurity.verifyInvalid')}
          </Alert>
          <Title order={2} size="h4">
            {t('authSecurity.newLinkHeading')}
          </Title>
          <ResendVerificationForm />
        </>
      ) : verify.isSuccess ? (
        <Alert color="green" variant="light" role="status">
          <Stack gap="xs">
            <Text size="sm">{t('authSecurity.verified')}</Text>
            {status === 'signedIn' ? (
              <Anchor component={Link} to="/" size="sm">
                {t('authSecurity.toConsole')}
              </Anchor>
            ) : (
              <Anchor component={Link} to="/login" size="sm">
                {t('authSecurity.toSignIn')}
              </Anchor>
            )}
          </Stack>
        </Alert>
      ) : verify.isError ? (
        <ErrorBanner error={verify.error} onRetry={() => verify.mutate()} retrying={verify.isPending} />
      ) : (
        <Text size="sm" role="status" aria-busy="true">
          {t('authSecurity.verifying')}
        </Text>
      )}
    </Stack>
  );
}
