import { TextInput, type TextInputProps } from '@mantine/core';
import { forwardRef } from 'react';
import { useTranslation } from 'react-i18next';

/** The "Email" field of the sign-in, registration and mail-link forms (`register('email')` spread on it). */
export const EmailInput = forwardRef<HTMLInputElement, Omit<TextInputProps, 'label' | 'type'>>(function EmailInput(props, ref) {
  const { t } = useTranslation();
  return <TextInput ref={ref} label={t('auth.email')} type="email" required withAsterisk={false} {...props} />;
});
