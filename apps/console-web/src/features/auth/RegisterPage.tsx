import { zodResolver } from '@hookform/resolvers/zod';
import { Anchor, Button, Stack, Text, TextInput, Title } from '@mantine/core';
import { useForm } from 'react-hook-form';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { unwrap } from '../../api/client';
import { ApiError } from '../../api/errors';
import { useApi, useSession } from '../../app/services-context';
import { applyServerFieldErrors } from '../../ui/form-errors';
import { FormAlert } from '../../ui/FormAlert';
import { SecretInput } from '../../ui/SecretInput';
import { translateMessage } from '../../ui/messages';
import { usePageTitle } from '../../ui/usePageTitle';
import { authErrorMessage } from './auth-errors';
import { EmailInput } from './EmailInput';
import { type RegisterValues, registerSchema } from './schemas';

/** `/register`: `POST /api/v1/auth/register`, then sign-in through the console session route. */
export default function RegisterPage() {
  const { t } = useTranslation();
  const api = useApi();
  const session = useSession();
  usePageTitle(t('auth.register.title'));
  const form = useForm<RegisterValues>({
    resolver: zodResolver(registerSchema),
    defaultValues: { email: '', name: '', password: '' },
  });
  const { errors, isSubmitting } = form.formState;

  const onSubmit = form.handleSubmit(async (values) => {
    try {
      await unwrap(api.POST('/api/v1/auth/register', { body: values }));
    } catch (error) {
      if (error instanceof ApiError && error.status === 409) {
        form.setError('email', { type: 'server', message: t('auth.emailTaken') }, { shouldFocus: true });
        return;
      }
      const { placed, unplaced } = applyServerFieldErrors(error, form.setError, ['email', 'name', 'password']);
      if (placed === 0 || unplaced.length > 0) {
        form.setError('root.server', { message: [authErrorMessage(t, error), ...unplaced].join(' ') });
      }
      return;
    }
    try {
      await session.signIn(values.email, values.password);
    } catch (error) {
      form.setError('root.server', { message: authErrorMessage(t, error) });
    }
  });

  return (
    <Stack gap="md">
      <Title order={1} size="h2">
        {t('auth.register.heading')}
      </Title>
      <FormAlert message={errors.root?.['server']?.message} />
      <form onSubmit={onSubmit} noValidate>
        <Stack gap="sm">
          <EmailInput
            autoComplete="email"
            error={translateMessage(t, errors.email?.message)}
            {...form.register('email')}
          />
          <TextInput
            label={t('auth.name')}
            autoComplete="name"
            required
            withAsterisk={false}
            error={translateMessage(t, errors.name?.message)}
            {...form.register('name')}
          />
          <SecretInput
            label={t('auth.password')}
            description={t('auth.passwordHint')}
            autoComplete="new-password"
            required
            withAsterisk={false}
            error={translateMessage(t, errors.password?.message)}
            {...form.register('password')}
          />
          <Button type="submit" loading={isSubmitting}>
            {t('auth.register.submit')}
          </Button>
        </Stack>
      </form>
      <Text size="sm">
        {t('auth.register.haveAccount')}{' '}
        <Anchor component={Link} to="/login">
          {t('auth.register.signInLink')}
        </Anchor>
      </Text>
    </Stack>
  );
}
