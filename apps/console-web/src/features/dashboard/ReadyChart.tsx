import '@mantine/charts/styles.css';
import { LineChart } from '@mantine/charts';
import { Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { clockTime } from '../../lib/format';
import type { ReadyPoint } from './history';

const COLORS = ['blue.6', 'teal.6', 'grape.6', 'orange.6', 'cyan.6', 'pink.6', 'lime.7', 'indigo.6'];

/** Ready instances per service over the polling history (its own chunk: recharts is large). */
export default function ReadyChart({ points, services }: { points: ReadyPoint[]; services: string[] }) {
  const { t, i18n } = useTranslation();
  if (points.length < 2) {
    return (
      <Text size="sm" c="dimmed">
        {t('dashboard.chartEmpty')}
      </Text>
    );
  }
  const data = points.map((point) => ({ time: clockTime(point.at, i18n.language), ...point.ready }));
  return (
    <LineChart
      h={180}
      data={data}
      dataKey="time"
      series={services.map((name, index) => ({ name, color: COLORS[index % COLORS.length] ?? 'blue.6' }))}
      curveType="stepAfter"
      withDots={false}
      withLegend
      yAxisProps={{ allowDecimals: false }}
      connectNulls
      aria-label={t('dashboard.chartDescription')}
    />
  );
}
