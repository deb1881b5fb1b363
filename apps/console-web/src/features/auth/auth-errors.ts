import type { TFunction } from 'i18next';
import { ApiError } from '../../api/errors';
import { describeError } from '../../ui/messages';

/** The form-level message of a failed sign-in or registration. */
export function authErrorMessage(t: TFunction, error: unknown): string {
  // with REQUIRE_VERIFIED_EMAIL: also right after registering, before the link is opened
  if (error instanceof ApiError && error.code === 'AUTH.EMAIL_NOT_VERIFIED') return t('authSecurity.emailNotVerified');
  if (error instanceof ApiError && error.status === 401) return t('auth.invalidCredentials');
  if (error instanceof ApiError && error.status === 409) return t('auth.emailTaken');
  return describeError(t, error);
}
