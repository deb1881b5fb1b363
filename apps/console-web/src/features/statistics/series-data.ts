import type { Series, SeriesPoint } from './queries';

/** Lines a chart can tell apart: the largest groups (the API sorts them largest first). */
export const MAX_CHART_GROUPS = 8;
/** Rows the data table shows at most (a minute series of a week has 10,080). */
export const MAX_TABLE_ROWS = 500;

export interface SeriesLine {
  /** The chart's data key (`s0`, `s1`, …): a group's name may hold dots, which recharts reads as paths. */
  key: string;
  label: string;
}

export interface SeriesModel {
  /** One row per slot: its start (`t`) and each line's value under its key. */
  rows: ({ t: string } & Record<string, number | string>)[];
  lines: SeriesLine[];
  /** One line per group (`groupBy`), rather than one line for the whole metric. */
  grouped: boolean;
  /** Every group of the answer (the lines are the first MAX_CHART_GROUPS). */
  groupCount: number;
  /** A counter's sum over the range (every group); a gauge's level at its end. */
  total: number;
}

const sumOf = (points: SeriesPoint[]) => points.reduce((sum, point) => sum + point.value, 0);

/** What the chart and the table show of a series answer, grouped or not. */
export function seriesModel(series: Series, labels: { ungrouped: string; noGroup: string }): SeriesModel {
  const groups = series.series
    ? series.series.map((group) => ({ label: group.group ?? labels.noGroup, points: group.points }))
    : [{ label: labels.ungrouped, points: series.points ?? [] }];
  const shown = groups.slice(0, MAX_CHART_GROUPS);
  const lines = shown.map((group, index) => ({ key: `s${index}`, label: group.label }));
  const slots = shown[0]?.points ?? [];
  const rows = slots.map((slot, index) => {
    const row: { t: string } & Record<string, number | string> = { t: slot.t };
    shown.forEach((group, line) => {
      row[`s${line}`] = group.points[index]?.value ?? 0;
    });
    return row;
  });
  const total = groups.reduce((sum, group) => sum + (series.kind === 'gauge' ? (group.points.at(-1)?.value ?? 0) : sumOf(group.points)), 0);
  return { rows, lines, grouped: series.series !== undefined, groupCount: groups.length, total };
}

/** Whether nothing at all was counted: no group, or a counter that stayed at zero. */
export function isEmptySeries(series: Series): boolean {
  if (series.series) return series.series.length === 0;
  return series.kind === 'counter' && (series.points ?? []).every((point) => point.value === 0);
}
