import type { TFunction } from 'i18next';
import { ApiError } from '../../api/errors';
import { byteSize } from '../../lib/format';

/** A metric's value in its unit: bytes human-readably ("1.5 MB"), counts and rows as numbers ("1,234"). */
export function formatMetricValue(value: number, unit: string, language: string): string {
  if (unit === 'bytes') return value < 0 ? `-${byteSize(-value, language)}` : byteSize(value, language);
  return new Intl.NumberFormat(language, { maximumFractionDigits: 1 }).format(value);
}

/** A change with its sign: "+3", "-1.5 MB", "0". */
export function formatSignedValue(value: number, unit: string, language: string): string {
  if (value === 0) return formatMetricValue(0, unit, language);
  return `${value > 0 ? '+' : '-'}${formatMetricValue(Math.abs(value), unit, language)}`;
}

/** A percent given as a number of percent (12.5), with its sign: "+12.5%", "-3%". */
export function formatSignedPercent(percent: number, language: string): string {
  return new Intl.NumberFormat(language, { style: 'percent', maximumFractionDigits: 1, signDisplay: 'exceptZero' }).format(percent / 100);
}

export interface DeltaText {
  direction: 'up' | 'down' | 'none';
  /** What the widget shows: "+3 (+20%)". */
  shown: string;
  /** What a screen reader says: "up 3 (20%) from previous period". */
  spoken: string;
}

/** The change of a widget from the previous period, shown and spoken. */
export function deltaText(t: TFunction, delta: number, deltaPercent: number | null, unit: string, language: string): DeltaText {
  if (delta === 0) return { direction: 'none', shown: formatSignedValue(0, unit, language), spoken: t('statistics.summary.same') };
  const direction = delta > 0 ? 'up' : 'down';
  const value = formatMetricValue(Math.abs(delta), unit, language);
  const shownValue = formatSignedValue(delta, unit, language);
  if (deltaPercent === null) {
    return { direction, shown: shownValue, spoken: t(direction === 'up' ? 'statistics.summary.up' : 'statistics.summary.down', { value }) };
  }
  const percent = new Intl.NumberFormat(language, { style: 'percent', maximumFractionDigits: 1 }).format(Math.abs(deltaPercent) / 100);
  return {
    direction,
    shown: `${shownValue} (${formatSignedPercent(deltaPercent, language)})`,
    spoken: t(direction === 'up' ? 'statistics.summary.upPercent' : 'statistics.summary.downPercent', { value, percent }),
  };
}

/** The 400 codes of the analytics queries, and the i18n key that explains each. */
export const STATISTICS_ERROR_KEYS = {
  'STATISTICS.INVALID_RANGE': 'statistics.errors.invalidRange',
  'STATISTICS.TOO_MANY_POINTS': 'statistics.errors.tooManyPoints',
  'STATISTICS.RANGE_NOT_RETAINED': 'statistics.errors.rangeNotRetained',
  'STATISTICS.UNKNOWN_METRIC': 'statistics.errors.unknownMetric',
  'STATISTICS.INVALID_TIME_ZONE': 'statistics.errors.invalidTimeZone',
} as const;
export type StatisticsErrorCode = keyof typeof STATISTICS_ERROR_KEYS;

/** The analytics code of a failed query, when it is one of the known 400s. */
export function statisticsErrorCode(error: unknown): StatisticsErrorCode | null {
  return error instanceof ApiError && error.status === 400 && error.code in STATISTICS_ERROR_KEYS ? (error.code as StatisticsErrorCode) : null;
}

/** Codes a coarser interval may cure. */
export function suggestsCoarserInterval(code: StatisticsErrorCode | null): boolean {
  return code === 'STATISTICS.TOO_MANY_POINTS' || code === 'STATISTICS.RANGE_NOT_RETAINED';
}
