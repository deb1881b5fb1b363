import { Button, Card, EmptyState, Group, Progress, SegmentedControl, SimpleGrid, Stack, Text, TextInput, Title } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { isAdmin, useMe } from '../../auth/useMe';
import { byteSize } from '../../lib/format';
import { ErrorBanner } from '../../ui/ErrorBanner';
import { ListSkeleton } from '../../ui/Skeletons';
import { usePageTitle } from '../../ui/usePageTitle';
import { type ImagesScope, useImageUsage, useImagesList } from './queries';
import { Thumbnail } from './Thumbnail';
import { UploadArea } from './UploadArea';

export const SEARCH_DEBOUNCE_MS = 300;

function UsageMeter() {
  const { t, i18n } = useTranslation();
  const usage = useImageUsage();
  if (!usage.data) return null;
  const { bytes, quotaBytes, count } = usage.data;
  const percent = quotaBytes > 0 ? Math.min(100, (bytes / quotaBytes) * 100) : 100;
  const text = t('images.usageText', { used: byteSize(bytes, i18n.language), quota: byteSize(quotaBytes, i18n.language), count });
  return (
    <Stack gap={4} maw={420}>
      <Group justify="space-between">
        <Text size="sm" fw={600}>
          {t('images.usage')}
        </Text>
        <Text size="sm" c="dimmed" data-testid="images-usage">
          {text}
        </Text>
      </Group>
      <Progress value={percent} color={percent > 90 ? 'red.9' : undefined} aria-label={t('images.usage')} />
    </Stack>
  );
}

/** `/images`: upload (drop or choose, several at once, with progress), my usage, the gallery with search and "Load more". */
export default function ImagesPage() {
  const { t } = useTranslation();
  usePageTitle(t('images.title'));
  const me = useMe();
  const [search, setSearch] = useState('');
  const [scope, setScope] = useState<ImagesScope>('mine');
  const [q] = useDebouncedValue(search.trim().slice(0, 100), SEARCH_DEBOUNCE_MS);
  const list = useImagesList(q, scope);
  const items = list.data?.pages.flatMap((page) => page.items) ?? [];

  return (
    <Stack gap="md">
      <Title order={1} size="h2">
        {t('images.title')}
      </Title>
      <UsageMeter />
      <UploadArea />
      <Group align="flex-end" gap="md">
        <TextInput
          type="search"
          label={t('images.search')}
          placeholder={t('images.searchPlaceholder')}
          description={t('images.searchHint')}
          value={search}
          onChange={(event) => setSearch(event.currentTarget.value)}
          maxLength={100}
          autoComplete="off"
          maw={420}
          style={{ flex: '1 1 240px' }}
        />
        {isAdmin(me.data) ? (
          <SegmentedControl
            aria-label={t('images.scope')}
            value={scope}
            onChange={(value) => setScope(value as ImagesScope)}
            data={[
              { value: 'mine', label: t('images.scopeMine') },
              { value: 'all', label: t('images.scopeAll') },
            ]}
          />
        ) : null}
      </Group>

      {list.isError ? <ErrorBanner error={list.error} hasData={list.data !== undefined} onRetry={() => void list.refetch()} retrying={list.isFetching} /> : null}

      {list.data === undefined ? (
        list.isError ? null : (
          <ListSkeleton rows={4} />
        )
      ) : items.length === 0 ? (
        <EmptyState title={q ? t('images.emptySearch', { q }) : t('images.empty')} />
      ) : (
        <>
          <SimpleGrid cols={{ base: 2, sm: 3, md: 4, lg: 6 }} spacing="md" component="ul" aria-label={t('images.gallery')} aria-busy={list.isFetching || undefined} style={{ listStyle: 'none', padding: 0, margin: 0 }}>
            {items.map((item) => (
              <li key={item.id}>
                <Card withBorder padding="xs" component={Link} to={`/images/${item.id}`} aria-label={item.filename}>
                  <Card.Section>
                    <Thumbnail id={item.id} alt={t('images.thumbnailOf', { name: item.filename })} height={140} />
                  </Card.Section>
                  <Text size="sm" mt="xs" truncate="end">
                    {item.filename}
                  </Text>
                  <Text size="xs" c="dimmed">
                    {item.width}×{item.height}
                  </Text>
                </Card>
              </li>
            ))}
          </SimpleGrid>
          {list.hasNextPage ? (
            <Group>
              <Button variant="default" onClick={() => void list.fetchNextPage()} loading={list.isFetchingNextPage}>
                {t('images.loadMore')}
              </Button>
            </Group>
          ) : null}
        </>
      )}
    </Stack>
  );
}
