import type { TFunction } from 'i18next';
import { ApiError, isRetryable } from '../api/errors';

/** The gateway's code for an admin route refused to a session without a second factor. */
export const MFA_REQUIRED = 'AUTH.MFA_REQUIRED';

/** Text of a validation message: an i18n key made by `msg()`, or a server's message as it is. */
export function translateMessage(t: TFunction, message: string | undefined): string | undefined {
  if (!message?.startsWith('i18n:')) return message;
  const [key, values] = message.slice('i18n:'.length).split('|', 2) as [string, string | undefined];
  return String(t(key as never, (values ? JSON.parse(values) : {}) as never));
}

/** What to tell the user about a failed call. */
export function describeError(t: TFunction, error: unknown, options: { hasData?: boolean } = {}): string {
  if (!(error instanceof ApiError)) return t('errors.generic', { message: error instanceof Error ? error.message : String(error) });
  if (error.status === 0) return t('errors.network');
  if (isRetryable(error)) return options.hasData ? t('errors.unavailable') : t('errors.unavailableNoData');
  if (error.status === 429) {
    return error.retryAfterSeconds !== undefined
      ? t('errors.rateLimited', { count: error.retryAfterSeconds })
      : t('errors.rateLimitedNoWait');
  }
  // MFA_REQUIRED_FOR_ADMINS: an admin route, by a session signed in without a second factor
  if (error.status === 403 && error.code === MFA_REQUIRED) return t('authSecurity.mfaRequired');
  if (error.status === 403) return t('errors.forbidden');
  if (error.status === 404) return t('errors.notFound');
  return t('errors.generic', { message: error.message });
}
