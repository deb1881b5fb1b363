import { zodResolver } from '@hookform/resolvers/zod';
import { Alert, Anchor, Button, Group, Stack, Text, Title } from '@mantine/core';
import { useEffect, useState } from 'react';
import { useForm } from 'react-hook-form';
import { useTranslation } from 'react-i18next';
import { Link, useLocation } from 'react-router';
import { ApiError } from '../../api/errors';
import { type MfaChallenge } from '../../auth/session';
import { useAuth, useSession } from '../../app/services-context';
import { applyServerFieldErrors } from '../../ui/form-errors';
import { FormAlert } from '../../ui/FormAlert';
import { SecretInput } from '../../ui/SecretInput';
import { translateMessage } from '../../ui/messages';
import { usePageTitle } from '../../ui/usePageTitle';
import { authErrorMessage } from './auth-errors';
import { EmailInput } from './EmailInput';
import { MfaStep } from './MfaStep';
import { ResendVerificationButton } from './ResendVerification';
import { type SignInValues, signInSchema } from './schemas';

/** What a screen that sends people to sign-in may tell them there (router state). */
export interface SignInNotice {
  notice?: 'passwordReset';
}

/**
 * `/login`: email and password, then, for an account with two-factor authentication, the code
 * (MfaStep). On success the session changes and PublicOnly moves on to where the user was going.
 */
export default function LoginPage() {
  const { t } = useTranslation();
  const session = useSession();
  const { reason } = useAuth();
  const notice = (useLocation().state as SignInNotice | null)?.notice;
  const [challenge, setChallenge] = useState<MfaChallenge | null>(null);
  const [unverifiedEmail, setUnverifiedEmail] = useState<string | null>(null);
  usePageTitle(t('auth.signIn.title'));
  const form = useForm<SignInValues>({
    resolver: zodResolver(signInSchema),
    defaultValues: { email: '', password: '' },
  });
  const { errors, isSubmitting } = form.formState;

  // back from the second step: the password is asked again
  useEffect(() => {
    if (challenge === null && form.getValues('email')) form.setFocus('password');
  }, [challenge, form]);

  const onSubmit = form.handleSubmit(async ({ email, password }) => {
    setUnverifiedEmail(null);
    try {
      const answer = await session.signIn(email, password);
      if (answer) {
        form.resetField('password');
        setChallenge(answer);
      }
    } catch (error) {
      if (error instanceof ApiError && error.code === 'AUTH.EMAIL_NOT_VERIFIED') {
        setUnverifiedEmail(email);
        return;
      }
      const { placed, unplaced } = applyServerFieldErrors(error, form.setError, ['email', 'password']);
      if (placed === 0 || unplaced.length > 0) {
        form.setError('root.server', { message: [authErrorMessage(t, error), ...unplaced].join(' ') });
      }
    }
  });

  if (challenge) {
    return (
      <MfaStep
        mfaToken={challenge.mfaToken}
        onBack={() => setChallenge(null)}
        onExpired={() => {
          setChallenge(null);
          form.setError('root.server', { message: t('authSecurity.mfaExpired') });
        }}
      />
    );
  }

  return (
    <Stack gap="md">
      <Title order={1} size="h2">
        {t('auth.signIn.heading')}
      </Title>
      {notice === 'passwordReset' && !errors.root?.['server'] ? (
        <Alert color="green" variant="light" role="status">
          {t('authSecurity.passwordResetNotice')}
        </Alert>
      ) : reason && reason !== 'user' && !errors.root?.['server'] ? (
        <Alert color="blue" variant="light">
          {t(`auth.reasons.${reason}`)}
        </Alert>
      ) : null}
      <FormAlert message={errors.root?.['server']?.message} />
      {unverifiedEmail ? (
        <Alert color="yellow" variant="light" role="alert">
          <Stack gap="xs">
            <Text size="sm">{t('authSecurity.emailNotVerified')}</Text>
            <ResendVerificationButton email={unverifiedEmail} variant="default" />
          </Stack>
        </Alert>
      ) : null}
      <form onSubmit={onSubmit} noValidate>
        <Stack gap="sm">
          <EmailInput
            autoComplete="username"
            error={translateMessage(t, errors.email?.message)}
            {...form.register('email')}
          />
          <SecretInput
            label={t('auth.password')}
            autoComplete="current-password"
            required
            withAsterisk={false}
            error={translateMessage(t, errors.password?.message)}
            {...form.register('password')}
          />
          <Button type="submit" loading={isSubmitting}>
            {t('auth.signIn.submit')}
          </Button>
          <Group justify="flex-end">
            <Anchor component={Link} to="/forgot-password" size="sm">
              {t('authSecurity.forgotLink')}
            </Anchor>
          </Group>
        </Stack>
      </form>
      <Text size="sm">
        {t('auth.signIn.noAccount')}{' '}
        <Anchor component={Link} to="/register">
          {t('auth.signIn.registerLink')}
        </Anchor>
      </Text>
    </Stack>
  );
}
