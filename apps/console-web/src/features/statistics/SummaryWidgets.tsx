import { Box, Card, Group, Paper, SegmentedControl, SimpleGrid, Text, Title, VisuallyHidden } from '@mantine/core';
import type { TFunction } from 'i18next';
import { lazy, Suspense, useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { isAdmin, useMe } from '../../auth/useMe';
import { ErrorBanner } from '../../ui/ErrorBanner';
import { ListSkeleton } from '../../ui/Skeletons';
import { deltaText, formatMetricValue } from './format';
import { DEFAULT_SUMMARY_PERIOD, SUMMARY_PERIODS, type SummaryItem, type SummaryPeriod, useSummary } from './queries';
import { browserTimeZone } from './time';
import { SPARKLINE_HEIGHT } from './sparkline-size';

const WidgetSparkline = lazy(() => import('./WidgetSparkline'));

/** The widgets the console has a name for (SummaryItemDto's `key`); others show their metric's name. */
const WIDGET_KEYS = ['newUsers', 'logins', 'activeApps', 'storage', 'imports'] as const;
type WidgetKey = (typeof WIDGET_KEYS)[number];

const isWidgetKey = (key: string): key is WidgetKey => (WIDGET_KEYS as readonly string[]).includes(key);

export function widgetTitle(t: TFunction, item: Pick<SummaryItem, 'key' | 'metric'>): string {
  return isWidgetKey(item.key) ? t(`statistics.summary.widgets.${item.key}`) : item.metric;
}

const DELTA_COLOR = { up: 'teal.9', down: 'red.9', none: 'dimmed' } as const;
const DELTA_ARROW = { up: '▲', down: '▼', none: '●' } as const;

/** One number of the summary: its name, total, change from the previous period (in words too) and trend. */
function SummaryWidget({ item }: { item: SummaryItem }) {
  const { t, i18n } = useTranslation();
  const titleId = useId();
  const delta = deltaText(t, item.delta, item.deltaPercent, item.unit, i18n.language);
  return (
    <Card withBorder padding="sm" role="group" aria-labelledby={titleId} data-widget={item.key}>
      <Text id={titleId} size="sm" fw={500} c="dimmed">
        {widgetTitle(t, item)}
      </Text>
      <Text fz={26} fw={700} lh={1.3} data-testid="widget-value" title={t('statistics.summary.previous', { value: formatMetricValue(item.previous, item.unit, i18n.language) })}>
        {formatMetricValue(item.total, item.unit, i18n.language)}
      </Text>
      <Text size="xs" c={DELTA_COLOR[delta.direction]} data-testid="widget-delta">
        <span aria-hidden="true">
          {DELTA_ARROW[delta.direction]} {delta.shown}
        </span>
        <VisuallyHidden>{delta.spoken}</VisuallyHidden>
      </Text>
      <Box mt="xs">
        <Suspense fallback={<Box h={SPARKLINE_HEIGHT} />}>
          <WidgetSparkline data={item.sparkline} />
        </Suspense>
      </Box>
    </Card>
  );
}

/**
 * The summary of the statistics service: new users, sign-ins, active apps, storage and imports
 * over the last 24 hours, 7 days or 30 days, each with its change from the period before and a
 * sparkline. An admin's numbers cover everyone, anyone else's their own. When statistics cannot
 * answer, an alert says so in place: the rest of the screen is not affected.
 */
export function SummaryWidgets() {
  const { t } = useTranslation();
  const me = useMe();
  const [period, setPeriod] = useState<SummaryPeriod>(DEFAULT_SUMMARY_PERIOD);
  const [tz] = useState(browserTimeZone);
  const summary = useSummary(period, tz);
  const headingId = useId();
  const items = summary.data?.items ?? [];

  return (
    <Paper withBorder p="md" component="section" aria-labelledby={headingId} data-testid="statistics-summary">
      <Group justify="space-between" align="flex-start" mb="sm" wrap="wrap" gap="xs">
        <div>
          <Title order={2} size="h4" id={headingId}>
            {t('statistics.summary.heading')}
          </Title>
          {me.data ? (
            <Text size="xs" c="dimmed">
              {isAdmin(me.data) ? t('statistics.summary.scopeAll') : t('statistics.summary.scopeOwn')}
            </Text>
          ) : null}
        </div>
        <SegmentedControl
          size="xs"
          aria-label={t('statistics.summary.period')}
          value={period}
          onChange={(value) => setPeriod(value as SummaryPeriod)}
          data={SUMMARY_PERIODS.map((value) => ({ value, label: t(`statistics.summary.periods.${value}`) }))}
        />
      </Group>

      {summary.isError ? (
        <ErrorBanner error={summary.error} hasData={summary.data !== undefined} onRetry={() => void summary.refetch()} retrying={summary.isFetching} />
      ) : null}

      {summary.data === undefined ? (
        summary.isError ? null : (
          <ListSkeleton rows={1} height={128} />
        )
      ) : items.length === 0 ? (
        <Text size="sm" c="dimmed">
          {t('statistics.summary.empty')}
        </Text>
      ) : (
        <SimpleGrid cols={{ base: 1, xs: 2, md: 3, lg: 5 }} spacing="sm" mt={summary.isError ? 'sm' : 0} aria-busy={summary.isPlaceholderData || undefined}>
          {items.map((item) => (
            <SummaryWidget key={item.key} item={item} />
          ))}
        </SimpleGrid>
      )}
    </Paper>
  );
}
