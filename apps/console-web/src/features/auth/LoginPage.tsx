import { zodResolver } from '@hookform/resolvers/zod';
import { Alert, Anchor, Button, Stack, Text, TextInput, Title } from '@mantine/core';
import { useForm } from 'react-hook-form';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { useAuth, useSession } from '../../app/services-context';
import { applyServerFieldErrors } from '../../ui/form-errors';
import { SecretInput } from '../../ui/SecretInput';
import { translateMessage } from '../../ui/messages';
import { usePageTitle } from '../../ui/usePageTitle';
import { authErrorMessage } from './auth-errors';
import { type SignInValues, signInSchema } from './schemas';

/** `/login`. On success the session changes and PublicOnly moves on to where the user was going. */
export default function LoginPage() {
  const { t } = useTranslation();
  const session = useSession();
  const { reason } = useAuth();
  usePageTitle(t('auth.signIn.title'));
  const form = useForm<SignInValues>({
    resolver: zodResolver(signInSchema),
    defaultValues: { email: '', password: '' },
  });
  const { errors, isSubmitting } = form.formState;

  const onSubmit = form.handleSubmit(async ({ email, password }) => {
    try {
      await session.signIn(email, password);
    } catch (error) {
      const { placed, unplaced } = applyServerFieldErrors(error, form.setError, ['email', 'password']);
      if (placed === 0 || unplaced.length > 0) {
        form.setError('root.server', { message: [authErrorMessage(t, error), ...unplaced].join(' ') });
      }
    }
  });

  return (
    <Stack gap="md">
      <Title order={1} size="h2">
        {t('auth.signIn.heading')}
      </Title>
      {reason && reason !== 'user' && !errors.root?.['server'] ? (
        <Alert color="blue" variant="light">
          {t(`auth.reasons.${reason}`)}
        </Alert>
      ) : null}
      {errors.root?.['server'] ? (
        <Alert color="red" variant="light" role="alert">
          {errors.root['server'].message}
        </Alert>
      ) : null}
      <form onSubmit={onSubmit} noValidate>
        <Stack gap="sm">
          <TextInput
            label={t('auth.email')}
            type="email"
            autoComplete="username"
            required
            withAsterisk={false}
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
