import { Alert, Button, Container, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { useRouteError } from 'react-router';

/**
 * What a screen that failed to render or to load (e.g. its code chunk, after a deploy or offline)
 * shows instead of a blank page.
 */
export function RouteError() {
  const { t } = useTranslation();
  const error = useRouteError();
  return (
    <Container component="main" py="xl" size="sm">
      <Alert color="red" title={t('errors.title')}>
        <Text size="sm" mb="sm">
          {error instanceof Error ? error.message : String(error)}
        </Text>
        <Button size="xs" color="red" onClick={() => window.location.reload()}>
          {t('errors.retry')}
        </Button>
      </Alert>
    </Container>
  );
}
