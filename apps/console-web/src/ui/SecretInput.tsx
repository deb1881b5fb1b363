import { PasswordInput, type PasswordInputProps } from '@mantine/core';
import { forwardRef } from 'react';
import { useTranslation } from 'react-i18next';

/**
 * Mantine's PasswordInput, with a show/hide toggle whose name does not contain the field's
 * label ("Toggle password visibility" would also answer to getByLabel('Password')). The toggle
 * stays out of the tab order (Mantine's default), so Tab goes field → field → button.
 */
export const SecretInput = forwardRef<HTMLInputElement, PasswordInputProps>(function SecretInput(props, ref) {
  const { t } = useTranslation();
  return <PasswordInput ref={ref} visibilityToggleButtonProps={{ 'aria-label': t('auth.toggleVisibility') }} {...props} />;
});
