import { Alert, Button, Code, CopyButton, Group, Stack, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';

/** A client secret the API returned once: shown with a copy button, never stored by the console. */
export function SecretOnce({ secret, note }: { secret: string; note?: string }) {
  const { t } = useTranslation();
  return (
    <Alert color="yellow" variant="light" title={t('applications.secretTitle')} role="status">
      <Stack gap="xs">
        <Text size="sm">{t('applications.secretOnce')}</Text>
        <Group gap="sm" wrap="nowrap">
          <Code aria-label={t('applications.secretTitle')} style={{ wordBreak: 'break-all' }}>
            {secret}
          </Code>
          <CopyButton value={secret}>
            {({ copied, copy }) => (
              <Button size="xs" variant="default" onClick={copy}>
                {copied ? t('applications.copied') : t('applications.copy')}
              </Button>
            )}
          </CopyButton>
        </Group>
        {note ? <Text size="sm">{note}</Text> : null}
      </Stack>
    </Alert>
  );
}
