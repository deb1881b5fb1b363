import { zodResolver } from '@hookform/resolvers/zod';
import { Alert, Anchor, Button, Stack, Text, Title } from '@mantine/core';
import { useMutation } from '@tanstack/react-query';
import { useState } from 'react';
import { useForm } from 'react-hook-form';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate, useSearchParams } from 'react-router';
import { expectOk } from '../../api/client';
import { useApi, useSession } from '../../app/services-context';
import { applyServerFieldErrors } from '../../ui/form-errors';
import { SecretInput } from '../../ui/SecretInput';
import { FormAlert } from '../../ui/FormAlert';
import { describeError, translateMessage } from '../../ui/messages';
import { usePageTitle } from '../../ui/usePageTitle';
import { BackToSignIn } from './BackToSignIn';
import type { SignInNotice } from './LoginPage';
import { isMailToken, isRefusedMailToken } from './mail-token';
import { type ResetPasswordValues, resetPasswordSchema } from './schemas';

/** The link no longer works: why, and where to ask for a new one. */
function InvalidLink() {
  const { t } = useTranslation();
  return (
    <Alert color="red" variant="light" role="alert">
      <Stack gap="xs">
        <Text size="sm">{t('authSecurity.resetInvalid')}</Text>
        <Anchor component={Link} to="/forgot-password" size="sm">
          {t('authSecurity.askNewLink')}
        </Anchor>
      </Stack>
    </Alert>
  );
}

/**
 * `/reset-password?token=…`, the link of the reset mail: `POST /api/v1/auth/password-reset/confirm`.
 * Every session of the account ends with it (this tab's too, when one was open), then sign-in.
 */
export default function ResetPasswordPage() {
  const { t } = useTranslation();
  const api = useApi();
  const session = useSession();
  const navigate = useNavigate();
  const token = useSearchParams()[0].get('token') ?? '';
  const [invalid, setInvalid] = useState(!isMailToken(token));
  usePageTitle(t('authSecurity.resetTitle'));
  const confirm = useMutation({
    mutationFn: (newPassword: string) => expectOk(api.POST('/api/v1/auth/password-reset/confirm', { body: { token, newPassword } })),
  });
  const form = useForm<ResetPasswordValues>({
    resolver: zodResolver(resetPasswordSchema),
    defaultValues: { newPassword: '', confirmPassword: '' },
  });
  const { errors, isSubmitting } = form.formState;

  const onSubmit = form.handleSubmit(async ({ newPassword }) => {
    try {
      await confirm.mutateAsync(newPassword);
    } catch (error) {
      if (isRefusedMailToken(error, 'AUTH.INVALID_RESET_TOKEN')) {
        setInvalid(true);
        return;
      }
      const { placed } = applyServerFieldErrors(error, form.setError, ['newPassword']);
      if (placed === 0) form.setError('root.server', { message: describeError(t, error) });
      return;
    }
    // the server has ended every session of the account: this tab's is over as well (once the
    // page load's refresh has settled, so that it cannot sign the tab in again afterwards)
    await session.start();
    if (session.status === 'signedIn') session.endEverywhere('elsewhere');
    void navigate('/login', { replace: true, state: { notice: 'passwordReset' } satisfies SignInNotice });
  });

  return (
    <Stack gap="md">
      <Title order={1} size="h2">
        {t('authSecurity.resetTitle')}
      </Title>
      {invalid ? (
        <InvalidLink />
      ) : (
        <>
          <FormAlert message={errors.root?.['server']?.message} />
          <form onSubmit={onSubmit} noValidate>
            <Stack gap="sm">
              <SecretInput
                label={t('authSecurity.newPassword')}
                description={t('auth.passwordHint')}
                autoComplete="new-password"
                required
                withAsterisk={false}
                error={translateMessage(t, errors.newPassword?.message)}
                {...form.register('newPassword')}
              />
              <SecretInput
                label={t('authSecurity.confirmPassword')}
                autoComplete="new-password"
                required
                withAsterisk={false}
                error={translateMessage(t, errors.confirmPassword?.message)}
                {...form.register('confirmPassword')}
              />
              <Button type="submit" loading={isSubmitting}>
                {t('authSecurity.resetSubmit')}
              </Button>
            </Stack>
          </form>
        </>
      )}
      <BackToSignIn />
    </Stack>
  );
}
