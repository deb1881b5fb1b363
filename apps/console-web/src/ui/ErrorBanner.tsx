import { Alert, Anchor, Button, Group, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { ApiError, isRetryable } from '../api/errors';
import { describeError, MFA_REQUIRED } from './messages';

export interface ErrorBannerProps {
  error: unknown;
  /** Shown as a "Retry" button when the failure is worth retrying (no answer, 5xx). */
  onRetry?: () => void;
  retrying?: boolean;
  /** Whether the last data received is still shown below the banner. */
  hasData?: boolean;
}

/**
 * A failed call, as an alert above whatever was shown before (never instead of it): the
 * gateway or a service down (503/504) or no answer at all offers "Retry".
 */
export function ErrorBanner({ error, onRetry, retrying = false, hasData = false }: ErrorBannerProps) {
  const { t } = useTranslation();
  const retryable = isRetryable(error);
  const requestId = error instanceof ApiError ? error.requestId : null;
  return (
    <Alert color="red" variant="light" title={retryable ? t('errors.unavailableTitle') : t('errors.title')}>
      <Group justify="space-between" align="center" gap="sm">
        <div>
          <Text size="sm">{describeError(t, error, { hasData })}</Text>
          {error instanceof ApiError && error.code === MFA_REQUIRED ? (
            <Anchor component={Link} to="/account#two-factor" size="sm">
              {t('authSecurity.mfaRequiredLink')}
            </Anchor>
          ) : null}
          {requestId ? (
            <Text size="xs" c="dimmed">
              {t('errors.requestId', { id: requestId })}
            </Text>
          ) : null}
        </div>
        {retryable && onRetry ? (
          <Button size="xs" color="red" variant="filled" onClick={onRetry} loading={retrying}>
            {t('errors.retry')}
          </Button>
        ) : null}
      </Group>
    </Alert>
  );
}
