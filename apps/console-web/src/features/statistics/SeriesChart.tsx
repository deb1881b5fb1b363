import '@mantine/charts/styles.css';
import { AreaChart, LineChart } from '@mantine/charts';
import { useTranslation } from 'react-i18next';
import { formatMetricValue } from './format';
import type { Interval } from './queries';
import type { SeriesModel } from './series-data';
import { slotLabel } from './time';

const COLORS = ['blue.6', 'teal.6', 'grape.6', 'orange.6', 'cyan.6', 'pink.6', 'lime.7', 'indigo.6'];

export interface SeriesChartProps {
  model: SeriesModel;
  kind: 'counter' | 'gauge';
  unit: string;
  interval: Interval;
  tz: string;
}

/**
 * A metric over time (its own chunk: recharts is large): a line per group, or an area for one
 * gauge; slots labelled on the chosen time zone's clock, values in the metric's unit. The page
 * names it (a figure) and offers its numbers as a table.
 */
export default function SeriesChart({ model, kind, unit, interval, tz }: SeriesChartProps) {
  const { i18n } = useTranslation();
  const data = model.rows.map((row) => ({ ...row, slot: slotLabel(row.t, interval, tz, i18n.language) }));
  const series = model.lines.map((line, index) => ({ name: line.key, label: line.label, color: COLORS[index % COLORS.length] ?? 'blue.6' }));
  const valueFormatter = (value: number) => formatMetricValue(value, unit, i18n.language);
  const common = {
    h: 280,
    data,
    dataKey: 'slot',
    series,
    valueFormatter,
    withLegend: model.grouped,
    yAxisProps: { allowDecimals: unit !== 'count', width: unit === 'bytes' ? 72 : 48 },
    xAxisProps: { minTickGap: 24 },
  } as const;
  return kind === 'gauge' && !model.grouped ? (
    <AreaChart {...common} curveType="stepAfter" withDots={false} />
  ) : (
    <LineChart {...common} curveType="linear" withDots={data.length <= 60} />
  );
}
