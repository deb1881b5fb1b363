import type { Interval } from '@site11/contracts';
import { DateTime, IANAZone } from 'luxon';

export const MINUTE = 60_000;
export const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;

export const UNIT: Record<Interval, number> = { minute: MINUTE, hour: HOUR, day: DAY };

/** Start of the UTC slot of `unit` that holds `t`. */
export const floorTo = (t: number, unit: number) => Math.floor(t / unit) * unit;

const pad = (n: number, width = 2) => String(n).padStart(width, '0');
const utc = (t: number) => new Date(t);

/**
 * Where things are kept, by UTC time: raw events in one collection per hour, minute buckets per
 * day, hour buckets per month, day buckets per year. FerretDB scans a collection to answer
 * anything but an `_id` lookup, so the collections a query reads stay small, and retention drops
 * whole collections.
 */
export const Partitions = {
  raw: (t: number) => {
    const d = utc(t);
    return `raw_${d.getUTCFullYear()}${pad(d.getUTCMonth() + 1)}${pad(d.getUTCDate())}${pad(d.getUTCHours())}`;
  },
  minute: (t: number) => {
    const d = utc(t);
    return `bm_${d.getUTCFullYear()}${pad(d.getUTCMonth() + 1)}${pad(d.getUTCDate())}`;
  },
  hour: (t: number) => {
    const d = utc(t);
    return `bh_${d.getUTCFullYear()}${pad(d.getUTCMonth() + 1)}`;
  },
  day: (t: number) => `bd_${utc(t).getUTCFullYear()}`,
} as const;

/** The interval a bucket partition holds, and the UTC time it starts at and ends before. */
export function partitionSpan(name: string): { kind: 'raw' | Interval; start: number; end: number } | null {
  const match = /^(raw|bm|bh|bd)_(\d{4})(\d{2})?(\d{2})?(\d{2})?$/.exec(name);
  if (!match) return null;
  const [, prefix, year, month, day, hour] = match;
  const y = Number(year);
  switch (prefix) {
    case 'raw':
      if (!hour) return null;
      return { kind: 'raw', start: Date.UTC(y, Number(month) - 1, Number(day), Number(hour)), end: Date.UTC(y, Number(month) - 1, Number(day), Number(hour) + 1) };
    case 'bm':
      if (!day || hour) return null;
      return { kind: 'minute', start: Date.UTC(y, Number(month) - 1, Number(day)), end: Date.UTC(y, Number(month) - 1, Number(day) + 1) };
    case 'bh':
      if (!month || day) return null;
      return { kind: 'hour', start: Date.UTC(y, Number(month) - 1, 1), end: Date.UTC(y, Number(month), 1) };
    default:
      if (month) return null;
      return { kind: 'day', start: Date.UTC(y, 0, 1), end: Date.UTC(y + 1, 0, 1) };
  }
}

/** The partitions of one kind that hold any time of [from, to). */
export function partitionsOver(kind: 'raw' | Interval, from: number, to: number): string[] {
  const names: string[] = [];
  const name = kind === 'raw' ? Partitions.raw : Partitions[kind];
  let t = from;
  while (t < to) {
    const next = name(t);
    if (names[names.length - 1] !== next) names.push(next);
    const span = partitionSpan(next);
    if (!span) break;
    t = span.end;
  }
  return names;
}

export function isTimeZone(tz: string): boolean {
  return IANAZone.isValidZone(tz);
}

/**
 * The starts of the slots of `interval` in `tz` that cover [from, to): the first slot holds
 * `from`, the last ends at or after `to`; DST days are 23 or 25 hours long. `limit + 1` at most.
 */
export function slotsOf(from: number, to: number, interval: Interval, tz: string, limit: number): number[] {
  let slot = DateTime.fromMillis(from, { zone: tz }).startOf(interval);
  const slots: number[] = [];
  while (slot.toMillis() < to && slots.length <= limit) {
    slots.push(slot.toMillis());
    slot = slot.plus({ [`${interval}s`]: 1 });
  }
  slots.push(slot.toMillis()); // the end of the last slot
  return slots;
}

/**
 * The coarsest bucket interval whose UTC slots fit the requested slots exactly: hours for local
 * days in a whole-hour zone, minutes for hours in a half-hour zone.
 */
export function sourceIntervalFor(boundaries: number[], interval: Interval): Interval {
  const order: Interval[] = interval === 'day' ? ['day', 'hour', 'minute'] : interval === 'hour' ? ['hour', 'minute'] : ['minute'];
  return order.find((candidate) => boundaries.every((t) => t % UNIT[candidate] === 0)) ?? 'minute';
}

/** Index of the slot that holds `t` (slots are sorted starts; the last entry is the end). */
export function slotIndex(boundaries: number[], t: number): number {
  let low = 0;
  let high = boundaries.length - 2;
  if (high < 0 || t < boundaries[0] || t >= boundaries[boundaries.length - 1]) return -1;
  while (low < high) {
    const mid = (low + high + 1) >> 1;
    if (boundaries[mid] <= t) low = mid;
    else high = mid - 1;
  }
  return low;
}
