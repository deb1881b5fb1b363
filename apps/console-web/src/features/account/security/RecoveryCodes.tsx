import { Box, Button, Checkbox, Code, CopyButton, Group, Paper, Stack, Text, Title } from '@mantine/core';
import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { saveBlob } from '../../data/datasets/download';

/**
 * The recovery codes of a new enrolment, which the API gives once: copy, download, and "I saved
 * them" before the screen lets them go.
 */
export function RecoveryCodes({ codes, onDone }: { codes: string[]; onDone: () => void }) {
  const { t } = useTranslation();
  const [saved, setSaved] = useState(false);
  const heading = useRef<HTMLHeadingElement>(null);
  const text = `${codes.join('\n')}\n`;

  // what the user must act on now: read first by a screen reader, and where Tab goes next
  useEffect(() => heading.current?.focus(), []);

  return (
    <Paper withBorder p="md" bg="yellow.0">
      <Stack gap="sm">
        <Title order={4} size="h5" ref={heading} tabIndex={-1}>
          {t('accountSecurity.recoveryHeading')}
        </Title>
        <Text size="sm">{t('accountSecurity.recoveryIntro')}</Text>
        <Box component="ol" aria-label={t('accountSecurity.recoveryList')} m={0} pl="lg" style={{ columns: 2, maxWidth: 420 }}>
          {codes.map((code) => (
            <li key={code}>
              <Code fz="sm">{code}</Code>
            </li>
          ))}
        </Box>
        <Group gap="sm">
          <CopyButton value={text}>
            {({ copied, copy }) => (
              <Button size="xs" variant="default" onClick={copy}>
                {copied ? t('accountSecurity.copied') : t('accountSecurity.copyCodes')}
              </Button>
            )}
          </CopyButton>
          <Button size="xs" variant="default" onClick={() => saveBlob(new Blob([text], { type: 'text/plain' }), 'site11-recovery-codes.txt')}>
            {t('accountSecurity.downloadCodes')}
          </Button>
        </Group>
        <Checkbox label={t('accountSecurity.savedThem')} checked={saved} onChange={(event) => setSaved(event.currentTarget.checked)} />
        <Group>
          <Button onClick={onDone} disabled={!saved}>
            {t('accountSecurity.done')}
          </Button>
        </Group>
      </Stack>
    </Paper>
  );
}
