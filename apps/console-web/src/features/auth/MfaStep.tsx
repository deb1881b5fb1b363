import { zodResolver } from '@hookform/resolvers/zod';
import { Button, Group, Stack, Text, Title } from '@mantine/core';
import { useEffect } from 'react';
import { FormProvider, useForm } from 'react-hook-form';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../../api/errors';
import { useSession } from '../../app/services-context';
import { FormAlert } from '../../ui/FormAlert';
import { usePageTitle } from '../../ui/usePageTitle';
import { emptySecondFactor, secondFactorBody, secondFactorFailure, secondFactorSchema, type SecondFactorValues } from './second-factor';
import { SecondFactorInput } from './SecondFactorInput';

export interface MfaStepProps {
  /** The `mfaToken` of the sign-in's answer. */
  mfaToken: string;
  /** The challenge expired (5 minutes) or used up its attempts: back to the password. */
  onExpired: () => void;
  onBack: () => void;
}

/**
 * The second step of sign-in for an account with two-factor authentication:
 * `POST /api/v1/console/session/mfa`. On success the session changes and PublicOnly moves on.
 */
export function MfaStep({ mfaToken, onExpired, onBack }: MfaStepProps) {
  const { t } = useTranslation();
  const session = useSession();
  usePageTitle(t('authSecurity.mfaTitle'));
  const form = useForm<SecondFactorValues>({ resolver: zodResolver(secondFactorSchema), defaultValues: emptySecondFactor });
  const { errors, isSubmitting } = form.formState;
  const useRecoveryCode = form.watch('useRecoveryCode');

  // the step replaced the password form: the code is what to type next
  useEffect(() => form.setFocus('code'), [form]);

  const onSubmit = form.handleSubmit(async (values) => {
    try {
      await session.signInMfa(mfaToken, secondFactorBody(values));
    } catch (error) {
      if (error instanceof ApiError && error.code === 'AUTH.INVALID_MFA_TOKEN') {
        onExpired();
        return;
      }
      const failure = secondFactorFailure(t, error);
      const field = values.useRecoveryCode ? 'recoveryCode' : 'code';
      form.setError(failure.onField ? field : 'root.server', { type: 'server', message: failure.message }, { shouldFocus: failure.onField });
    }
  });

  return (
    <Stack gap="md">
      <Title order={1} size="h2">
        {t('authSecurity.mfaTitle')}
      </Title>
      <Text size="sm">{useRecoveryCode ? t('authSecurity.mfaRecoveryIntro') : t('authSecurity.mfaIntro')}</Text>
      <FormAlert message={errors.root?.['server']?.message} />
      <FormProvider {...form}>
        <form onSubmit={onSubmit} noValidate>
          <Stack gap="sm">
            <SecondFactorInput />
            <Group justify="space-between">
              <Button variant="default" onClick={onBack}>
                {t('authSecurity.backToPassword')}
              </Button>
              <Button type="submit" loading={isSubmitting}>
                {t('authSecurity.verify')}
              </Button>
            </Group>
          </Stack>
        </form>
      </FormProvider>
    </Stack>
  );
}
