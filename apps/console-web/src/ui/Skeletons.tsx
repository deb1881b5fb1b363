import { Skeleton, Stack } from '@mantine/core';
import { useTranslation } from 'react-i18next';

/** Placeholder rows while a list loads; announced as busy. */
export function ListSkeleton({ rows = 5, height = 28 }: { rows?: number; height?: number }) {
  const { t } = useTranslation();
  return (
    <Stack gap="xs" aria-busy="true" aria-label={t('app.loading')} role="status">
      {Array.from({ length: rows }, (_, index) => (
        <Skeleton key={index} height={height} radius="sm" />
      ))}
    </Stack>
  );
}

/** Placeholder of a whole screen (lazy route chunk loading, or the session being restored). */
export function PageSkeleton() {
  const { t } = useTranslation();
  return (
    <Stack gap="md" p="md" aria-busy="true" aria-label={t('app.loading')} role="status">
      <Skeleton height={32} width="40%" radius="sm" />
      <Skeleton height={18} width="70%" radius="sm" />
      <Skeleton height={160} radius="sm" />
    </Stack>
  );
}
