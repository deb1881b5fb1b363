import { Box, Container, Group, Text } from '@mantine/core';
import { type ReactNode, Suspense } from 'react';
import { useTranslation } from 'react-i18next';
import { PageSkeleton } from '../ui/Skeletons';
import { LanguageSelect } from './Shell';

/** The frame of the screens without a session (sign-in, registration, not found). */
export function PublicFrame({ children }: { children: ReactNode }) {
  const { t } = useTranslation();
  return (
    <Box>
      <Box component="header" px="md" py="xs" style={{ borderBottom: '1px solid var(--mantine-color-default-border)' }}>
        <Group justify="space-between" wrap="nowrap">
          <Text fw={700}>{t('app.name')}</Text>
          <LanguageSelect />
        </Group>
      </Box>
      <Container component="main" id="main" size={460} py="xl">
        <Suspense fallback={<PageSkeleton />}>{children}</Suspense>
      </Container>
    </Box>
  );
}
