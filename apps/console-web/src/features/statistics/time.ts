import type { Interval } from './queries';

export const MINUTE_MS = 60_000;
export const HOUR_MS = 60 * MINUTE_MS;
export const DAY_MS = 24 * HOUR_MS;

/** The quick ranges of the statistics page, ending now. */
export const RANGE_PRESETS = ['24h', '7d', '30d'] as const;
export type RangePreset = (typeof RANGE_PRESETS)[number];
export const PRESET_MS: Record<RangePreset, number> = { '24h': DAY_MS, '7d': 7 * DAY_MS, '30d': 30 * DAY_MS };
/** The interval each preset starts with: 24 to 720 points. */
export const PRESET_INTERVAL: Record<RangePreset, Interval> = { '24h': 'hour', '7d': 'hour', '30d': 'day' };

/** The browser's IANA time zone (UTC when it has none). */
export function browserTimeZone(): string {
  try {
    return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
  } catch {
    return 'UTC';
  }
}

/** Every IANA time zone the browser knows, UTC first, always with `current`. */
export function timeZoneOptions(current: string): string[] {
  const supported = typeof Intl.supportedValuesOf === 'function' ? Intl.supportedValuesOf('timeZone') : [];
  const rest = [...new Set([current, ...supported])].filter((zone) => zone !== 'UTC').sort((a, b) => a.localeCompare(b));
  return ['UTC', ...rest];
}

/** A preset range ending at the next whole minute, so the minute in progress counts. */
export function presetRange(preset: RangePreset, now: number = Date.now()): { from: string; to: string } {
  const to = Math.ceil(now / MINUTE_MS) * MINUTE_MS;
  return { from: new Date(to - PRESET_MS[preset]).toISOString(), to: new Date(to).toISOString() };
}

/** The next coarser interval (what to suggest when a range has too many points), or null. */
export function coarserInterval(interval: Interval): Interval | null {
  return interval === 'minute' ? 'hour' : interval === 'hour' ? 'day' : null;
}

function zonedParts(epochMs: number, tz: string): Record<'year' | 'month' | 'day' | 'hour' | 'minute' | 'second', number> {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone: tz,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  }).formatToParts(epochMs);
  const get = (type: Intl.DateTimeFormatPartTypes) => Number(parts.find((part) => part.type === type)?.value ?? 0);
  return { year: get('year'), month: get('month'), day: get('day'), hour: get('hour'), minute: get('minute'), second: get('second') };
}

/** How far `tz`'s wall clock is ahead of UTC at `epochMs`. */
function offsetAt(epochMs: number, tz: string): number {
  const p = zonedParts(epochMs, tz);
  return Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second) - Math.floor(epochMs / 1000) * 1000;
}

const WALL_TIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?$/;

/**
 * The instant a `<input type="datetime-local">` value names in `tz` ("2025-03-01T09:30" in
 * Asia/Seoul is 00:30 UTC), or null for an empty or malformed value or an unknown zone.
 */
export function zonedWallTimeToEpoch(value: string, tz: string): number | null {
  const match = WALL_TIME.exec(value);
  if (!match) return null;
  const [y, mo, d, h, mi, s] = match.slice(1).map((part) => Number(part ?? 0)) as [number, number, number, number, number, number];
  const wall = Date.UTC(y, mo - 1, d, h, mi, s);
  try {
    // twice: the offset at the first guess may differ from the offset at the answer (a DST change between)
    const first = wall - offsetAt(wall, tz);
    const epoch = wall - offsetAt(first, tz);
    return Number.isFinite(epoch) ? epoch : null;
  } catch {
    return null;
  }
}

/** The `<input type="datetime-local">` value of an instant, on `tz`'s wall clock. */
export function epochToZonedWallTime(epochMs: number, tz: string): string {
  const p = zonedParts(epochMs, tz);
  const pad = (n: number, width = 2) => String(n).padStart(width, '0');
  return `${pad(p.year, 4)}-${pad(p.month)}-${pad(p.day)}T${pad(p.hour)}:${pad(p.minute)}`;
}

/** The start of a slot, in `tz`: a date for days, a date and time otherwise. */
export function slotLabel(iso: string, interval: Interval, tz: string, language: string): string {
  const options: Intl.DateTimeFormatOptions =
    interval === 'day' ? { timeZone: tz, dateStyle: 'medium' } : { timeZone: tz, dateStyle: 'short', timeStyle: 'short' };
  try {
    return new Intl.DateTimeFormat(language, options).format(new Date(iso));
  } catch {
    return iso;
  }
}
