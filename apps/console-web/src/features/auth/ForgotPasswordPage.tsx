import { zodResolver } from '@hookform/resolvers/zod';
import { Alert, Button, Stack, Text, Title } from '@mantine/core';
import { useMutation } from '@tanstack/react-query';
import { useForm } from 'react-hook-form';
import { useTranslation } from 'react-i18next';
import { expectOk } from '../../api/client';
import { useApi } from '../../app/services-context';
import { applyServerFieldErrors } from '../../ui/form-errors';
import { FormAlert } from '../../ui/FormAlert';
import { describeError, translateMessage } from '../../ui/messages';
import { usePageTitle } from '../../ui/usePageTitle';
import { BackToSignIn } from './BackToSignIn';
import { EmailInput } from './EmailInput';
import { type EmailValues, emailSchema } from './schemas';

/**
 * `/forgot-password`: `POST /api/v1/auth/password-reset` mails a link to `/reset-password`. The
 * API answers 202 whether or not the address has an account, and so does this screen.
 */
export default function ForgotPasswordPage() {
  const { t } = useTranslation();
  const api = useApi();
  usePageTitle(t('authSecurity.forgotTitle'));
  const request = useMutation({ mutationFn: (email: string) => expectOk(api.POST('/api/v1/auth/password-reset', { body: { email } })) });
  const form = useForm<EmailValues>({ resolver: zodResolver(emailSchema), defaultValues: { email: '' } });
  const { errors, isSubmitting } = form.formState;

  const onSubmit = form.handleSubmit(async ({ email }) => {
    try {
      await request.mutateAsync(email);
    } catch (error) {
      const { placed } = applyServerFieldErrors(error, form.setError, ['email']);
      if (placed === 0) form.setError('root.server', { message: describeError(t, error) });
    }
  });

  return (
    <Stack gap="md">
      <Title order={1} size="h2">
        {t('authSecurity.forgotHeading')}
      </Title>
      {request.isSuccess ? (
        <Alert color="green" variant="light" role="status">
          {t('authSecurity.forgotSent')}
        </Alert>
      ) : (
        <>
          <Text size="sm">{t('authSecurity.forgotIntro')}</Text>
          <FormAlert message={errors.root?.['server']?.message} />
          <form onSubmit={onSubmit} noValidate>
            <Stack gap="sm">
              <EmailInput
                autoComplete="username"
                error={translateMessage(t, errors.email?.message)}
                {...form.register('email')}
              />
              <Button type="submit" loading={isSubmitting}>
                {t('authSecurity.forgotSubmit')}
              </Button>
            </Stack>
          </form>
        </>
      )}
      <BackToSignIn />
    </Stack>
  );
}
