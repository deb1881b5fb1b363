import { Stack, Switch, TextInput, type TextInputProps } from '@mantine/core';
import { forwardRef } from 'react';
import { useFormContext } from 'react-hook-form';
import { useTranslation } from 'react-i18next';
import { translateMessage } from '../../ui/messages';
import type { SecondFactorValues } from './second-factor';

/** The code of an authenticator app: the browser may offer it (`one-time-code`); a numeric keypad on phones. */
export const TotpCodeInput = forwardRef<HTMLInputElement, Omit<TextInputProps, 'label'>>(function TotpCodeInput(props, ref) {
  const { t } = useTranslation();
  return <TextInput ref={ref} label={t('authSecurity.code')} description={t('authSecurity.codeHint')} autoComplete="one-time-code" inputMode="numeric" {...props} />;
});

/**
 * The second factor of a form (inside its `FormProvider`): the authenticator app's code (the
 * browser may offer it: `one-time-code`, a numeric keypad on phones), or, with "Use a recovery
 * code" switched on, a recovery code.
 */
export function SecondFactorInput() {
  const { t } = useTranslation();
  const { register, watch, formState } = useFormContext<SecondFactorValues>();
  const { errors } = formState;
  const useRecoveryCode = watch('useRecoveryCode');

  return (
    <Stack gap="sm">
      {useRecoveryCode ? (
        <TextInput
          label={t('authSecurity.recoveryCode')}
          description={t('authSecurity.recoveryCodeHint')}
          autoComplete="off"
          autoCapitalize="none"
          spellCheck={false}
          error={translateMessage(t, errors.recoveryCode?.message)}
          {...register('recoveryCode')}
        />
      ) : (
        <TotpCodeInput error={translateMessage(t, errors.code?.message)} {...register('code')} />
      )}
      <Switch label={t('authSecurity.useRecoveryCode')} {...register('useRecoveryCode')} />
    </Stack>
  );
}
