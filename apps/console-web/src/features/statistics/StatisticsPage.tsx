import { Alert, Anchor, Box, Button, Group, NativeSelect, Paper, SegmentedControl, SimpleGrid, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { lazy, type ReactNode, Suspense, useId, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { isAdmin, useMe } from '../../auth/useMe';
import { ErrorBanner } from '../../ui/ErrorBanner';
import { ListSkeleton } from '../../ui/Skeletons';
import { usePageTitle } from '../../ui/usePageTitle';
import { formatMetricValue, STATISTICS_ERROR_KEYS, statisticsErrorCode, suggestsCoarserInterval } from './format';
import {
  type Dimension,
  DIMENSIONS,
  type Interval,
  INTERVALS,
  type Metric,
  type SeriesParams,
  type TopParams,
  useMetrics,
  useSeries,
  useTop,
} from './queries';
import { isEmptySeries, MAX_TABLE_ROWS, type SeriesModel, seriesModel } from './series-data';
import { SummaryWidgets } from './SummaryWidgets';
import {
  browserTimeZone,
  coarserInterval,
  epochToZonedWallTime,
  PRESET_INTERVAL,
  presetRange,
  RANGE_PRESETS,
  type RangePreset,
  slotLabel,
  timeZoneOptions,
  zonedWallTimeToEpoch,
} from './time';

const SeriesChart = lazy(() => import('./SeriesChart'));

type RangeChoice = RangePreset | 'custom';
const RANGE_CHOICES: readonly RangeChoice[] = [...RANGE_PRESETS, 'custom'];
const DEFAULT_PRESET: RangePreset = '7d';
/** The metric shown first: the one the home screen's first widget counts. */
export const DEFAULT_METRIC = 'users.created';

/** The metrics grouped by their service (the first part of their name), for the picker. */
function metricGroups(metrics: Metric[], label: (metric: Metric) => string) {
  const groups = new Map<string, { value: string; label: string }[]>();
  for (const metric of metrics) {
    const service = metric.name.slice(0, metric.name.indexOf('.'));
    groups.set(service, [...(groups.get(service) ?? []), { value: metric.name, label: label(metric) }]);
  }
  return [...groups.entries()].map(([group, items]) => ({ group, items }));
}

/**
 * A failed analytics query: the API's 400 codes in words (a coarser interval offered when it
 * would help), anything else as the console's usual banner.
 */
function QueryError({
  error,
  onRetry,
  retrying,
  interval,
  onInterval,
}: {
  error: unknown;
  onRetry: () => void;
  retrying: boolean;
  interval?: Interval;
  onInterval?: (interval: Interval) => void;
}) {
  const { t } = useTranslation();
  const code = statisticsErrorCode(error);
  if (!code) return <ErrorBanner error={error} onRetry={onRetry} retrying={retrying} />;
  const coarser = interval && suggestsCoarserInterval(code) ? coarserInterval(interval) : null;
  return (
    <Alert color="red" variant="light" title={t('statistics.errors.title')} data-code={code}>
      <Stack gap="xs" align="flex-start">
        <Text size="sm">{t(STATISTICS_ERROR_KEYS[code])}</Text>
        {coarser && onInterval ? (
          <Button size="xs" color="red" variant="filled" onClick={() => onInterval(coarser)}>
            {t('statistics.errors.useInterval', { per: t(`statistics.explore.per.${coarser}`) })}
          </Button>
        ) : null}
      </Stack>
    </Alert>
  );
}

/** The chart's numbers as a table (the chart's accessible equivalent), the first MAX_TABLE_ROWS rows. */
function SeriesTable({ model, caption, unit, interval, tz }: { model: SeriesModel; caption: string; unit: string; interval: Interval; tz: string }) {
  const { t, i18n } = useTranslation();
  const rows = model.rows.slice(0, MAX_TABLE_ROWS);
  return (
    <Stack gap="xs">
      {model.rows.length > rows.length ? <Text size="xs">{t('statistics.explore.tableTruncated', { shown: rows.length, total: model.rows.length })}</Text> : null}
      {/* a scrolling box the keyboard can reach (and scroll), named after its table */}
      <Table.ScrollContainer minWidth={320} maxHeight={360} type="native" tabIndex={0} role="region" aria-label={caption}>
        <Table striped stickyHeader verticalSpacing={4} data-testid="series-table">
          <Table.Caption>{caption}</Table.Caption>
          <Table.Thead>
            <Table.Tr>
              <Table.Th scope="col">{t('statistics.explore.time')}</Table.Th>
              {model.lines.map((line) => (
                <Table.Th scope="col" key={line.key} ta="right">
                  {model.grouped ? line.label : t('statistics.explore.value')}
                </Table.Th>
              ))}
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {rows.map((row) => (
              <Table.Tr key={row.t}>
                <Table.Th scope="row" fw={400}>
                  <time dateTime={row.t}>{slotLabel(row.t, interval, tz, i18n.language)}</time>
                </Table.Th>
                {model.lines.map((line) => (
                  <Table.Td key={line.key} ta="right">
                    {formatMetricValue(Number(row[line.key] ?? 0), unit, i18n.language)}
                  </Table.Td>
                ))}
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
    </Stack>
  );
}

/** A labelled radio group of a few choices (Mantine's segmented control). */
function Choice<T extends string>({ label, value, onChange, data }: { label: string; value: T; onChange: (value: T) => void; data: { value: T; label: string }[] }) {
  const id = useId();
  return (
    <Stack gap={4}>
      <Text component="span" size="sm" fw={500} id={id}>
        {label}
      </Text>
      <SegmentedControl aria-labelledby={id} value={value} onChange={(next) => onChange(next as T)} data={data} />
    </Stack>
  );
}

function Section({ id, title, children, extra }: { id: string; title: string; children: ReactNode; extra?: ReactNode }) {
  return (
    <Paper withBorder p="md" component="section" aria-labelledby={id}>
      <Group justify="space-between" align="flex-end" mb="sm" wrap="wrap" gap="xs">
        <Title order={2} size="h4" id={id}>
          {title}
        </Title>
        {extra}
      </Group>
      {children}
    </Paper>
  );
}

/**
 * `/statistics`: the activity widgets, then any metric over time: a metric (with what it counts),
 * a range (the last 24 hours, 7 days or 30 days, or from/to on the chosen time zone's clock), an
 * interval, an optional grouping and a time zone (the browser's at first); a chart with its
 * numbers as a table, and the metric's largest groups over the same range. The API's refusals
 * (too many points, not retained, …) are said in words, with a coarser interval offered.
 */
export default function StatisticsPage() {
  const { t, i18n } = useTranslation();
  usePageTitle(t('statistics.title'));
  const me = useMe();
  const admin = isAdmin(me.data);
  const metrics = useMetrics();
  const [chosenMetric, setChosenMetric] = useState<string | null>(null);
  const [range, setRange] = useState<RangeChoice>(DEFAULT_PRESET);
  const [presetBounds, setPresetBounds] = useState(() => presetRange(DEFAULT_PRESET));
  const [custom, setCustom] = useState({ from: '', to: '' });
  const [interval, chooseInterval] = useState<Interval>(PRESET_INTERVAL[DEFAULT_PRESET]);
  const [groupBy, setGroupBy] = useState<Dimension | 'none'>('none');
  const [tz, setTz] = useState(browserTimeZone);
  const [topBy, setTopBy] = useState<Dimension>('owner');
  const [tableShown, setTableShown] = useState(false);
  const zones = useMemo(() => timeZoneOptions(browserTimeZone()), []);
  const tableId = useId();

  const catalog = metrics.data?.items ?? [];
  const metric = catalog.find((m) => m.name === chosenMetric) ?? catalog.find((m) => m.name === DEFAULT_METRIC) ?? catalog[0];
  const dimensions: readonly Dimension[] = metric?.dimensions ?? DIMENSIONS;
  const grouping = groupBy !== 'none' && dimensions.includes(groupBy) ? groupBy : null;
  const topDimension = dimensions.includes(topBy) ? topBy : (dimensions[0] ?? 'owner');

  const customFrom = zonedWallTimeToEpoch(custom.from, tz);
  const customTo = zonedWallTimeToEpoch(custom.to, tz);
  const customReversed = customFrom !== null && customTo !== null && customFrom >= customTo;
  const bounds =
    range !== 'custom'
      ? presetBounds
      : customFrom !== null && customTo !== null && !customReversed
        ? { from: new Date(customFrom).toISOString(), to: new Date(customTo).toISOString() }
        : null;

  const seriesParams: SeriesParams | null = metric && bounds ? { metric: metric.name, ...bounds, interval, groupBy: grouping, tz } : null;
  const topParams: TopParams | null = metric && bounds ? { metric: metric.name, by: topDimension, ...bounds } : null;
  const series = useSeries(seriesParams);
  const top = useTop(topParams);

  const chooseRange = (next: RangeChoice) => {
    if (next === 'custom') {
      // the custom range starts as the range shown, on the chosen zone's clock
      if (range !== 'custom') {
        setCustom({ from: epochToZonedWallTime(Date.parse(presetBounds.from), tz), to: epochToZonedWallTime(Date.parse(presetBounds.to), tz) });
      }
    } else {
      setPresetBounds(presetRange(next));
      chooseInterval(PRESET_INTERVAL[next]);
    }
    setRange(next);
  };

  const refresh = () => {
    if (range === 'custom') return;
    const next = presetRange(range);
    if (next.from === presetBounds.from && next.to === presetBounds.to) {
      void series.refetch();
      void top.refetch();
    } else {
      setPresetBounds(next);
    }
  };

  // what the answer shown is about (while a new one loads, the previous one stays)
  const shown = series.data;
  const shownMetric = catalog.find((m) => m.name === shown?.metric);
  const unit = shownMetric?.unit ?? 'count';
  const model = shown ? seriesModel(shown, { ungrouped: shown.metric, noGroup: t('statistics.explore.noGroup') }) : null;
  const rangeText =
    range === 'custom' && bounds
      ? `${slotLabel(bounds.from, 'minute', tz, i18n.language)} – ${slotLabel(bounds.to, 'minute', tz, i18n.language)}`
      : t(`statistics.explore.ranges.${range}`);
  const caption = shown ? t('statistics.explore.chart', { metric: shown.metric, per: t(`statistics.explore.per.${shown.interval}`), range: rangeText }) : '';

  const dimensionLabel = (dimension: Dimension) => t(`statistics.explore.dimensions.${dimension}`);

  return (
    <Stack gap="md">
      <Group justify="space-between" align="flex-end" wrap="wrap">
        <Title order={1} size="h2">
          {t('statistics.title')}
        </Title>
        <Group gap="xs">
          <Text size="sm" c="dimmed" visibleFrom="sm">
            {t('statistics.reportsHint')}
          </Text>
          <Button component={Link} to="/statistics/reports" variant="default">
            {t('statistics.reportsLink')}
          </Button>
        </Group>
      </Group>

      <SummaryWidgets />

      <Section id="statistics-series-heading" title={t('statistics.explore.heading')}>
        {metrics.isError ? <ErrorBanner error={metrics.error} onRetry={() => void metrics.refetch()} retrying={metrics.isFetching} /> : null}
        {metrics.data === undefined ? (
          metrics.isError ? null : (
            <ListSkeleton rows={2} height={36} />
          )
        ) : (
          <Stack gap="sm">
            <SimpleGrid cols={{ base: 1, sm: 2, lg: 3 }} spacing="sm">
              <NativeSelect
                label={t('statistics.explore.metric')}
                value={metric?.name ?? ''}
                onChange={(event) => setChosenMetric(event.currentTarget.value)}
                data={metricGroups(catalog, (m) => t('statistics.explore.metricOption', { name: m.name, description: m.description }))}
                description={
                  metric
                    ? t('statistics.explore.metricHint', {
                        description: metric.description,
                        kind: t(`statistics.explore.kinds.${metric.kind}`),
                        unit: metric.unit === 'bytes' || metric.unit === 'rows' || metric.unit === 'count' ? t(`statistics.explore.units.${metric.unit}`) : metric.unit,
                      })
                    : undefined
                }
              />
              <NativeSelect
                label={t('statistics.explore.groupBy')}
                value={grouping ?? 'none'}
                onChange={(event) => setGroupBy(event.currentTarget.value as Dimension | 'none')}
                data={[
                  { value: 'none', label: t('statistics.explore.dimensions.none') },
                  ...dimensions.map((dimension) => ({ value: dimension, label: dimensionLabel(dimension) })),
                ]}
              />
              <NativeSelect label={t('statistics.explore.timeZone')} value={tz} onChange={(event) => setTz(event.currentTarget.value)} data={zones} />
            </SimpleGrid>
            <Group align="flex-end" gap="md" wrap="wrap">
              <Choice
                label={t('statistics.explore.range')}
                value={range}
                onChange={chooseRange}
                data={RANGE_CHOICES.map((value) => ({ value, label: t(`statistics.explore.ranges.${value}`) }))}
              />
              <Choice
                label={t('statistics.explore.interval')}
                value={interval}
                onChange={chooseInterval}
                data={INTERVALS.map((value) => ({ value, label: t(`statistics.explore.intervals.${value}`) }))}
              />
              {range !== 'custom' ? (
                <Button variant="default" onClick={refresh} title={t('statistics.explore.refreshHint')} loading={series.isFetching && !series.isPending}>
                  {t('statistics.explore.refresh')}
                </Button>
              ) : null}
            </Group>
            {range === 'custom' ? (
              <Group align="flex-start" gap="md" wrap="wrap">
                <TextInput
                  type="datetime-local"
                  label={t('statistics.explore.from')}
                  description={t('statistics.explore.customHint')}
                  required
                  value={custom.from}
                  onChange={(event) => setCustom({ ...custom, from: event.currentTarget.value })}
                  error={customFrom === null ? t('validation.required') : undefined}
                />
                <TextInput
                  type="datetime-local"
                  label={t('statistics.explore.to')}
                  description={t('statistics.explore.customHint')}
                  required
                  value={custom.to}
                  onChange={(event) => setCustom({ ...custom, to: event.currentTarget.value })}
                  error={customTo === null ? t('validation.required') : customReversed ? t('statistics.errors.invalidRange') : undefined}
                />
              </Group>
            ) : null}
          </Stack>
        )}

        {series.isError ? (
          <Box mt="md">
            <QueryError error={series.error} onRetry={() => void series.refetch()} retrying={series.isFetching} interval={interval} onInterval={chooseInterval} />
          </Box>
        ) : null}

        {model && shown && !series.isError ? (
          <Stack gap="xs" mt="md" aria-busy={series.isPlaceholderData || undefined}>
            <Text size="sm" fw={500} data-testid="series-total">
              {t(shown.kind === 'gauge' ? 'statistics.explore.level' : 'statistics.explore.total', { value: formatMetricValue(model.total, unit, i18n.language) })}
            </Text>
            {model.groupCount > model.lines.length ? (
              <Text size="xs" c="dimmed">
                {t('statistics.explore.largestGroups', { shown: model.lines.length, total: model.groupCount })}
              </Text>
            ) : null}
            {isEmptySeries(shown) ? (
              <Text size="sm" c="dimmed">
                {t('statistics.explore.noData')}
              </Text>
            ) : null}
            {model.rows.length > 0 && model.lines.length > 0 ? (
              <>
                <Box component="figure" m={0} aria-label={caption}>
                  <Suspense fallback={<ListSkeleton rows={1} height={280} />}>
                    <SeriesChart model={model} kind={shown.kind} unit={unit} interval={shown.interval} tz={shown.tz} />
                  </Suspense>
                </Box>
                <Group>
                  <Button variant="subtle" size="xs" onClick={() => setTableShown((open) => !open)} aria-expanded={tableShown} aria-controls={tableId}>
                    {tableShown ? t('statistics.explore.hideTable') : t('statistics.explore.showTable')}
                  </Button>
                </Group>
              </>
            ) : null}
            <div id={tableId}>{tableShown && model.lines.length > 0 ? <SeriesTable model={model} caption={caption} unit={unit} interval={shown.interval} tz={shown.tz} /> : null}</div>
          </Stack>
        ) : seriesParams && series.isPending ? (
          <Box mt="md">
            <ListSkeleton rows={1} height={280} />
          </Box>
        ) : null}
      </Section>

      <Section
        id="statistics-top-heading"
        title={t('statistics.top.heading')}
        extra={
          metrics.data ? (
            <NativeSelect
              label={t('statistics.top.by')}
              value={topDimension}
              onChange={(event) => setTopBy(event.currentTarget.value as Dimension)}
              data={dimensions.map((dimension) => ({ value: dimension, label: dimensionLabel(dimension) }))}
            />
          ) : null
        }
      >
        {metric ? (
          <Text size="sm" c="dimmed" mb="sm">
            {t('statistics.top.hint', { metric: metric.name })}
          </Text>
        ) : null}
        {top.isError ? <QueryError error={top.error} onRetry={() => void top.refetch()} retrying={top.isFetching} /> : null}
        {top.data && !top.isError ? (
          top.data.items.length === 0 ? (
            <Text size="sm" c="dimmed">
              {t('statistics.top.empty')}
            </Text>
          ) : (
            <Table.ScrollContainer minWidth={320}>
              <Table striped aria-labelledby="statistics-top-heading" aria-busy={top.isPlaceholderData || undefined} data-testid="top-table">
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th scope="col" w={72}>
                      {t('statistics.top.rank')}
                    </Table.Th>
                    <Table.Th scope="col">{dimensionLabel(top.data.by)}</Table.Th>
                    <Table.Th scope="col" ta="right">
                      {t('statistics.top.value')}
                    </Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {top.data.items.map((item, index) => (
                    <Table.Tr key={item.key ?? '\u0000none'}>
                      <Table.Td>{index + 1}</Table.Td>
                      <Table.Td ff={top.data.by === 'owner' ? 'monospace' : undefined} style={{ overflowWrap: 'anywhere' }}>
                        {item.key === null ? (
                          t('statistics.explore.noGroup')
                        ) : admin && top.data.by === 'owner' ? (
                          <Anchor component={Link} to={`/users/${item.key}`}>
                            {item.key}
                          </Anchor>
                        ) : (
                          item.key
                        )}
                      </Table.Td>
                      <Table.Td ta="right">{formatMetricValue(item.value, catalog.find((m) => m.name === top.data.metric)?.unit ?? 'count', i18n.language)}</Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            </Table.ScrollContainer>
          )
        ) : topParams && top.isPending ? (
          <ListSkeleton rows={3} />
        ) : null}
      </Section>
    </Stack>
  );
}
