import { zodResolver } from '@hookform/resolvers/zod';
import { Alert, Button, Group, Stack } from '@mantine/core';
import { useMutation } from '@tanstack/react-query';
import { useForm } from 'react-hook-form';
import { useTranslation } from 'react-i18next';
import { expectOk } from '../../api/client';
import { useApi } from '../../app/services-context';
import { ErrorBanner } from '../../ui/ErrorBanner';
import { translateMessage } from '../../ui/messages';
import { EmailInput } from './EmailInput';
import { type EmailValues, emailSchema } from './schemas';

/** `POST /api/v1/auth/verify-email/resend`: always 202, so the answer never tells whether the address has an account. */
function useResend() {
  const api = useApi();
  return useMutation({ mutationFn: (email: string) => expectOk(api.POST('/api/v1/auth/verify-email/resend', { body: { email } })) });
}

function Sent() {
  const { t } = useTranslation();
  return (
    <Alert color="green" variant="light" role="status">
      {t('authSecurity.resent')}
    </Alert>
  );
}

/** "Send the link again" for an address the screen already knows (sign-in, My account). */
export function ResendVerificationButton({ email, variant = 'light' }: { email: string; variant?: 'light' | 'default' }) {
  const { t } = useTranslation();
  const resend = useResend();
  if (resend.isSuccess) return <Sent />;
  return (
    <Stack gap="xs">
      {resend.isError ? <ErrorBanner error={resend.error} /> : null}
      <Group>
        <Button size="xs" variant={variant} onClick={() => resend.mutate(email)} loading={resend.isPending}>
          {t('authSecurity.resend')}
        </Button>
      </Group>
    </Stack>
  );
}

/** "Send a new link" with the address typed in (a verification link that no longer works). */
export function ResendVerificationForm() {
  const { t } = useTranslation();
  const resend = useResend();
  const form = useForm<EmailValues>({ resolver: zodResolver(emailSchema), defaultValues: { email: '' } });
  const { errors } = form.formState;
  const onSubmit = form.handleSubmit(({ email }) => resend.mutate(email));

  if (resend.isSuccess) return <Sent />;
  return (
    <form onSubmit={onSubmit} noValidate>
      <Stack gap="sm">
        {resend.isError ? <ErrorBanner error={resend.error} /> : null}
        <EmailInput
          autoComplete="email"
          error={translateMessage(t, errors.email?.message)}
          {...form.register('email')}
        />
        <Group>
          <Button type="submit" loading={resend.isPending}>
            {t('authSecurity.newLinkSubmit')}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
