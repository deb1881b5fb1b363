import { describe, expect, it } from 'vitest';
import { ApiError } from '../../api/errors';
import { createI18n } from '../../i18n';
import { deltaText, formatMetricValue, formatSignedValue, statisticsErrorCode, suggestsCoarserInterval } from './format';
import type { Series } from './queries';
import { isEmptySeries, MAX_CHART_GROUPS, seriesModel } from './series-data';
import { coarserInterval, epochToZonedWallTime, presetRange, timeZoneOptions, zonedWallTimeToEpoch } from './time';

const t = createI18n('en').t;
const labels = { ungrouped: 'users.created', noGroup: '(none)' };
const point = (t: string, value: number) => ({ t, value });

describe('the numbers of the statistics screens', () => {
  it('are shown in their unit: bytes human-readably, counts as numbers', () => {
    expect(formatMetricValue(1_500_000, 'bytes', 'en')).toBe('1.5 MB');
    expect(formatMetricValue(-2_000, 'bytes', 'en')).toBe('-2 kB');
    expect(formatMetricValue(12_345, 'count', 'en')).toBe('12,345');
    expect(formatMetricValue(7, 'rows', 'ko')).toBe('7');
    expect(formatSignedValue(3, 'count', 'en')).toBe('+3');
    expect(formatSignedValue(-1_500_000, 'bytes', 'en')).toBe('-1.5 MB');
    expect(formatSignedValue(0, 'count', 'en')).toBe('0');
  });

  it('say a change from the previous period with its sign, and its percent when there is one', () => {
    expect(deltaText(t, 3, 25, 'count', 'en')).toEqual({ direction: 'up', shown: '+3 (+25%)', spoken: 'up 3 (25%) from previous period' });
    expect(deltaText(t, -10, -12.5, 'count', 'en')).toEqual({ direction: 'down', shown: '-10 (-12.5%)', spoken: 'down 10 (12.5%) from previous period' });
    expect(deltaText(t, 3, null, 'count', 'en')).toEqual({ direction: 'up', shown: '+3', spoken: 'up 3 from previous period' });
    expect(deltaText(t, 0, 0, 'count', 'en')).toEqual({ direction: 'none', shown: '0', spoken: 'no change from previous period' });
    expect(deltaText(t, 2_000_000, null, 'bytes', 'en').spoken).toBe('up 2 MB from previous period');
  });

  it('know the analytics codes of a 400, and when a coarser interval would help', () => {
    const refusal = (code: string, status = 400) => new ApiError({ status, code, message: 'no' });
    expect(statisticsErrorCode(refusal('STATISTICS.TOO_MANY_POINTS'))).toBe('STATISTICS.TOO_MANY_POINTS');
    expect(statisticsErrorCode(refusal('VALIDATION'))).toBeNull();
    expect(statisticsErrorCode(refusal('STATISTICS.TOO_MANY_POINTS', 503))).toBeNull();
    expect(statisticsErrorCode(new Error('STATISTICS.TOO_MANY_POINTS'))).toBeNull();
    expect(suggestsCoarserInterval('STATISTICS.RANGE_NOT_RETAINED')).toBe(true);
    expect(suggestsCoarserInterval('STATISTICS.INVALID_TIME_ZONE')).toBe(false);
    expect([coarserInterval('minute'), coarserInterval('hour'), coarserInterval('day')]).toEqual(['hour', 'day', null]);
  });
});

describe('the time of the statistics screens', () => {
  it('reads a wall-clock time in a time zone, across daylight saving changes', () => {
    expect(zonedWallTimeToEpoch('2025-03-01T09:30', 'Asia/Seoul')).toBe(Date.parse('2025-03-01T00:30:00Z'));
    expect(zonedWallTimeToEpoch('2025-03-01T09:30', 'UTC')).toBe(Date.parse('2025-03-01T09:30:00Z'));
    // London: GMT in winter, BST (UTC+1) in summer
    expect(zonedWallTimeToEpoch('2025-01-15T12:00', 'Europe/London')).toBe(Date.parse('2025-01-15T12:00:00Z'));
    expect(zonedWallTimeToEpoch('2025-07-15T12:00', 'Europe/London')).toBe(Date.parse('2025-07-15T11:00:00Z'));
    expect(zonedWallTimeToEpoch('2025-03-30T03:30:15', 'Europe/London')).toBe(Date.parse('2025-03-30T02:30:15Z'));
    expect(zonedWallTimeToEpoch('', 'UTC')).toBeNull();
    expect(zonedWallTimeToEpoch('2025-03-01', 'UTC')).toBeNull();
    expect(zonedWallTimeToEpoch('2025-03-01T09:30', 'Not/AZone')).toBeNull();
  });

  it('writes an instant as a wall-clock time of a time zone', () => {
    expect(epochToZonedWallTime(Date.parse('2025-03-01T00:30:00Z'), 'Asia/Seoul')).toBe('2025-03-01T09:30');
    expect(epochToZonedWallTime(Date.parse('2025-07-15T23:05:00Z'), 'Europe/London')).toBe('2025-07-16T00:05');
  });

  it('ends a preset range at the next whole minute', () => {
    const now = Date.parse('2025-03-01T10:00:30Z');
    expect(presetRange('24h', now)).toEqual({ from: '2025-02-28T10:01:00.000Z', to: '2025-03-01T10:01:00.000Z' });
    expect(presetRange('7d', Date.parse('2025-03-08T00:00:00Z'))).toEqual({ from: '2025-03-01T00:00:00.000Z', to: '2025-03-08T00:00:00.000Z' });
  });

  it('offers every time zone, UTC first, with the current one', () => {
    const zones = timeZoneOptions('Asia/Seoul');
    expect(zones[0]).toBe('UTC');
    expect(zones).toContain('Asia/Seoul');
    expect(zones).toContain('Europe/London');
    expect(new Set(zones).size).toBe(zones.length);
  });
});

describe('the series of the chart and its table', () => {
  it('one line without grouping: a counter’s total is its sum, a gauge’s its last level', () => {
    const series: Series = { metric: 'users.created', interval: 'hour', tz: 'UTC', kind: 'counter', points: [point('2025-01-01T00:00:00Z', 2), point('2025-01-01T01:00:00Z', 3)] };
    expect(seriesModel(series, labels)).toEqual({
      rows: [
        { t: '2025-01-01T00:00:00Z', s0: 2 },
        { t: '2025-01-01T01:00:00Z', s0: 3 },
      ],
      lines: [{ key: 's0', label: 'users.created' }],
      grouped: false,
      groupCount: 1,
      total: 5,
    });
    expect(seriesModel({ ...series, kind: 'gauge' }, labels).total).toBe(3);
    expect(isEmptySeries(series)).toBe(false);
    expect(isEmptySeries({ ...series, points: [point('2025-01-01T00:00:00Z', 0)] })).toBe(true);
  });

  it('a line per group, the largest first, keyed so that dotted names are safe, the group-less one named', () => {
    const groups = Array.from({ length: MAX_CHART_GROUPS + 2 }, (_, i) => ({ group: i === 1 ? null : `users.event-${i}`, points: [point('2025-01-01T00:00:00Z', 10 - i)] }));
    const model = seriesModel({ metric: 'oauth.login', interval: 'day', tz: 'UTC', kind: 'counter', series: groups }, labels);
    expect(model.lines).toHaveLength(MAX_CHART_GROUPS);
    expect(model.lines.slice(0, 2)).toEqual([
      { key: 's0', label: 'users.event-0' },
      { key: 's1', label: '(none)' },
    ]);
    expect(model.rows[0]).toMatchObject({ s0: 10, s1: 9, s7: 3 });
    expect(model.grouped).toBe(true);
    expect(model.groupCount).toBe(MAX_CHART_GROUPS + 2);
    // every group counts in the total, shown or not
    expect(model.total).toBe(groups.reduce((sum, group) => sum + (group.points[0]?.value ?? 0), 0));
    expect(isEmptySeries({ metric: 'oauth.login', interval: 'day', tz: 'UTC', kind: 'counter', series: [] })).toBe(true);
    // one group is still a group: named after it, not after the metric
    const single = seriesModel({ metric: 'oauth.login', interval: 'day', tz: 'UTC', kind: 'counter', series: [{ group: 'success', points: [point('2025-01-01T00:00:00Z', 1)] }] }, labels);
    expect([single.grouped, single.lines]).toEqual([true, [{ key: 's0', label: 'success' }]]);
  });
});
