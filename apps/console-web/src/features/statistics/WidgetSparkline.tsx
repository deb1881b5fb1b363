import { Box } from '@mantine/core';
import { Area, AreaChart, ResponsiveContainer } from 'recharts';
import { SPARKLINE_HEIGHT } from './sparkline-size';

/**
 * The trend of a widget over its period (its own chunk: recharts is large). Decorative: the
 * widget says its total and its change in words, so the chart is hidden from screen readers and
 * left out of the tab order (recharts' keyboard layer is off).
 */
export default function WidgetSparkline({ data }: { data: number[] }) {
  const points = data.map((value, index) => ({ index, value }));
  return (
    <Box h={SPARKLINE_HEIGHT} aria-hidden="true" dir="ltr">
      <ResponsiveContainer width="100%" height="100%">
        <AreaChart data={points} margin={{ top: 2, right: 0, bottom: 2, left: 0 }} accessibilityLayer={false}>
          <Area
            dataKey="value"
            type="monotone"
            stroke="var(--mantine-color-blue-filled)"
            fill="var(--mantine-color-blue-light)"
            fillOpacity={1}
            strokeWidth={2}
            isAnimationActive={false}
            dot={false}
            activeDot={false}
          />
        </AreaChart>
      </ResponsiveContainer>
    </Box>
  );
}
