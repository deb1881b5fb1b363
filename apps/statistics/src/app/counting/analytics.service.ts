import { Injectable } from '@nestjs/common';
import {
  type Actor,
  type Dimension,
  DomainError,
  ErrorKind,
  type Interval,
  isAdmin,
  MAX_SERIES_POINTS,
  type MetricListDto,
  type SeriesDto,
  type SeriesQueryDto,
  StatisticsErrors,
  type SummaryDto,
  type SummaryItemDto,
  type SummaryPeriod,
  type SummaryQueryDto,
  type TopDto,
  type TopQueryDto,
} from '@site11/contracts';
import { DateTime } from 'luxon';
import { StatisticsConfig } from '../statistics.config';
import { type CountRecord, CounterStore } from './counter-store';
import { METRIC_DIMENSIONS, type MetricDefinition, METRICS, serviceOfEvent } from './metric-catalog';
import { DAY, floorTo, HOUR, isTimeZone, MINUTE, slotIndex, slotsOf, sourceIntervalFor, UNIT } from './time-slots';

const invalid = (code: string, message: string, details?: unknown) => new DomainError(code, ErrorKind.InvalidArgument, message, details);
const ceilTo = (t: number, unit: number) => Math.ceil(t / unit) * unit;

/** The widgets of the console's home screen, in order. */
const WIDGETS: { key: string; metric: string }[] = [
  { key: 'newUsers', metric: 'users.created' },
  { key: 'logins', metric: 'oauth.login.succeeded' },
  { key: 'activeApps', metric: 'applications.total' },
  { key: 'storage', metric: 'images.storage.bytes' },
  { key: 'imports', metric: 'data.import.completed' },
];

const PERIODS: Record<SummaryPeriod, { interval: Interval; slots: number }> = {
  '24h': { interval: 'hour', slots: 24 },
  '7d': { interval: 'day', slots: 7 },
  '30d': { interval: 'day', slots: 30 },
};

/**
 * The analytics API: series, summary, top lists and the metric catalog, read from the buckets
 * with the not-yet-rolled-up tail applied live, so an answer counts every stored event exactly
 * once whether or not the rollup has reached it. Admins see everything; anyone else only the
 * events they own.
 */
@Injectable()
export class AnalyticsService {
  constructor(
    private readonly store: CounterStore,
    private readonly config: StatisticsConfig,
  ) {}

  metrics(): MetricListDto {
    return {
      items: [...METRICS.values()].map((metric) => ({
        name: metric.name,
        kind: metric.kind,
        unit: metric.unit,
        description: metric.description,
        events: [...new Set(metric.terms.map((term) => term.event))],
        dimensions: METRIC_DIMENSIONS,
      })),
    };
  }

  async series(query: SeriesQueryDto, actor: Actor, now = Date.now()): Promise<SeriesDto> {
    const metric = this.metric(query.metric);
    const tz = this.zone(query.tz);
    const from = Date.parse(query.from);
    const to = Date.parse(query.to);
    if (!(from < to)) throw invalid(StatisticsErrors.invalidRange, '`from` must be before `to`');
    const interval = query.interval ?? 'hour';
    const owner = this.ownerScope(query.ownerId, actor);
    const boundaries = slotsOf(from, to, interval, tz, MAX_SERIES_POINTS);
    const slots = boundaries.length - 1;
    if (slots > MAX_SERIES_POINTS) {
      throw invalid(StatisticsErrors.tooManyPoints, `The range has more than ${MAX_SERIES_POINTS} ${interval}s: use a coarser interval or a shorter range`, {
        limit: MAX_SERIES_POINTS,
      });
    }
    const source = sourceIntervalFor(boundaries, interval);
    this.checkRetained(source, boundaries[0], now, interval);
    const values = await this.slotValues(metric, boundaries, source, owner, query.groupBy);
    if (query.groupBy && values.size * slots > MAX_SERIES_POINTS) {
      throw invalid(StatisticsErrors.tooManyPoints, `${values.size} groups × ${slots} slots is more than ${MAX_SERIES_POINTS} points`, { limit: MAX_SERIES_POINTS });
    }
    const toPoints = (series: number[]) => series.map((value, i) => ({ t: new Date(boundaries[i]).toISOString(), value }));
    const base = { metric: metric.name, interval, tz, kind: metric.kind };
    if (!query.groupBy) return { ...base, points: toPoints(values.get(ALL) ?? new Array<number>(slots).fill(0)) };
    const series = [...values.entries()]
      .map(([group, points]) => ({ group, points: toPoints(points) }))
      .sort((a, b) => total(b.points) - total(a.points) || String(a.group).localeCompare(String(b.group)));
    return { ...base, series };
  }

  async summary(query: SummaryQueryDto, actor: Actor, now = Date.now()): Promise<SummaryDto> {
    const period = query.period ?? '7d';
    const { interval, slots } = PERIODS[period];
    // a zone whose local days are not whole UTC hours (Asia/Kolkata) would need minute buckets for
    // weeks back, which are not kept: such a summary is made of UTC days
    let tz = this.zone(query.tz);
    const span = slotsOf(now - 2 * slots * UNIT[interval], now, interval, tz, 2 * slots + 2);
    if (sourceIntervalFor(span, interval) === 'minute' && interval !== 'minute' && 2 * slots * UNIT[interval] > this.config.STATISTICS_MINUTE_RETENTION_DAYS * DAY - DAY) tz = 'UTC';
    const end = DateTime.fromMillis(now, { zone: tz }).startOf(interval).plus({ [`${interval}s`]: 1 });
    const from = end.minus({ [`${interval}s`]: slots });
    const previousFrom = from.minus({ [`${interval}s`]: slots });
    const owner = this.ownerScope(undefined, actor);
    const items: SummaryItemDto[] = [];
    for (const widget of WIDGETS) {
      const metric = METRICS.get(widget.metric);
      if (!metric) continue;
      const boundaries = slotsOf(previousFrom.toMillis(), end.toMillis(), interval, tz, 2 * slots);
      const source = sourceIntervalFor(boundaries, interval);
      const points = (await this.slotValues(metric, boundaries, source, owner)).get(ALL) ?? [];
      const previousPoints = points.slice(0, slots);
      const current = points.slice(slots);
      const totalNow = metric.kind === 'gauge' ? (current[current.length - 1] ?? 0) : sum(current);
      const totalBefore = metric.kind === 'gauge' ? (previousPoints[previousPoints.length - 1] ?? 0) : sum(previousPoints);
      items.push({
        key: widget.key,
        metric: metric.name,
        kind: metric.kind,
        unit: metric.unit,
        total: totalNow,
        previous: totalBefore,
        delta: totalNow - totalBefore,
        deltaPercent: totalBefore === 0 ? null : Math.round(((totalNow - totalBefore) / Math.abs(totalBefore)) * 1000) / 10,
        sparkline: current,
      });
    }
    return { period, tz, from: from.toUTC().toISO() ?? '', to: end.toUTC().toISO() ?? '', items };
  }

  async top(query: TopQueryDto, actor: Actor, now = Date.now()): Promise<TopDto> {
    const metric = this.metric(query.metric);
    const to = query.to ? Date.parse(query.to) : now;
    const from = query.from ? Date.parse(query.from) : to - 30 * DAY;
    if (!(from < to)) throw invalid(StatisticsErrors.invalidRange, '`from` must be before `to`');
    const owner = this.ownerScope(undefined, actor);
    const events = eventsOf(metric);
    // nothing is kept before the first day bucket: no range reads further back than that
    const earliest = (await this.store.earliestDayPartition()) ?? floorTo(now, DAY);
    // a gauge's top is its level at `to`: everything before counts
    const start = Math.max(earliest, metric.kind === 'gauge' ? earliest : this.retainedStart(from, now));
    // to the end of `to`'s minute (the minute in progress counts), or of its hour or day when
    // the finer buckets are no longer kept
    const end = to >= now - MINUTE ? ceilTo(to, MINUTE) : this.retainedStart(to, now);
    const records = await this.coarseRecords(events, Math.min(start, end), end, owner);
    const totals = new Map<string | null, number>();
    for (const record of records) {
      const key = dimensionOf(record, query.by);
      totals.set(key, (totals.get(key) ?? 0) + contribution(metric, record));
    }
    const items = [...totals.entries()]
      .map(([key, value]) => ({ key, value }))
      .filter((item) => item.value !== 0)
      .sort((a, b) => b.value - a.value || String(a.key).localeCompare(String(b.key)))
      .slice(0, query.limit ?? 10);
    return { metric: metric.name, by: query.by, from: new Date(from).toISOString(), to: new Date(to).toISOString(), items };
  }

  /** Values of `metric` in each slot (a gauge's running level), per group (or under ALL). */
  async slotValues(metric: MetricDefinition, boundaries: number[], source: Interval, owner: string | undefined, groupBy?: Dimension): Promise<Map<string | null, number[]>> {
    const events = eventsOf(metric);
    const slots = boundaries.length - 1;
    const values = new Map<string | null, number[]>();
    const row = (key: string | null) => {
      let found = values.get(key);
      if (!found) {
        // refused before the memory is taken: groups × slots past the limit
        if ((values.size + 1) * slots > MAX_SERIES_POINTS) {
          throw invalid(StatisticsErrors.tooManyPoints, `More than ${MAX_SERIES_POINTS} points: fewer groups or a coarser interval`, { limit: MAX_SERIES_POINTS });
        }
        values.set(key, (found = new Array<number>(slots).fill(0)));
      }
      return found;
    };
    for (const record of await this.exactRecords(events, boundaries[0], boundaries[slots], source, owner)) {
      const index = slotIndex(boundaries, record.t);
      if (index >= 0) row(groupBy ? dimensionOf(record, groupBy) : ALL)[index] += contribution(metric, record);
    }
    if (metric.kind === 'gauge') {
      const earliest = (await this.store.earliestDayPartition()) ?? boundaries[0];
      const before = earliest < boundaries[0] ? await this.coarseRecords(events, earliest, boundaries[0], owner) : [];
      const levels = new Map<string | null, number>();
      for (const record of before) {
        const key = groupBy ? dimensionOf(record, groupBy) : ALL;
        levels.set(key, (levels.get(key) ?? 0) + contribution(metric, record));
        row(key);
      }
      for (const [key, series] of values) {
        let level = levels.get(key) ?? 0;
        for (let i = 0; i < series.length; i++) series[i] = level += series[i];
      }
    }
    if (!groupBy) row(ALL);
    return values;
  }

  /**
   * Every event of `events` in [from, to), per slot of `interval` (aligned to it), exactly: the
   * buckets, except for slots with events not rolled up yet, which are computed from the minute
   * buckets and the raw events of their pending minutes.
   */
  async exactRecords(events: string[], from: number, to: number, interval: Interval, owner?: string): Promise<CountRecord[]> {
    if (from >= to) return [];
    // pending minutes before and after the buckets, and no rollup pass finished in between (else
    // read again): a slot a pass was rewriting is computed from finer data, never read half-written
    let buckets: CountRecord[] = [];
    let dirtyMinutes = new Map<number, Set<string>>();
    for (let attempt = 0; attempt < 5; attempt++) {
      const generation = await this.store.generation();
      const before = await this.store.dirtyMinutes(events, from, to);
      buckets = await this.store.buckets(interval, from, to, events, owner);
      dirtyMinutes = await this.store.dirtyMinutes(events, from, to);
      for (const [minute, names] of before) dirtyMinutes.set(minute, new Set([...(dirtyMinutes.get(minute) ?? []), ...names]));
      if ((await this.store.generation()) === generation) break;
    }
    if (dirtyMinutes.size === 0) return buckets;
    const unit = UNIT[interval];
    const dirtySlots = new Map<number, Set<string>>();
    for (const [minute, names] of dirtyMinutes) {
      const slot = floorTo(minute, unit);
      dirtySlots.set(slot, new Set([...(dirtySlots.get(slot) ?? []), ...names]));
    }
    const isDirty = (slots: Map<number, Set<string>>, t: number, e: string) => slots.get(t)?.has(e) ?? false;
    const records = buckets.filter((record) => !isDirty(dirtySlots, floorTo(record.t, unit), record.e));
    if (interval !== 'minute') {
      // the minute buckets of every dirty slot in one read per partition
      const slots = [...dirtySlots.keys()];
      const names = [...new Set([...dirtySlots.values()].flatMap((set) => [...set]))];
      const minutes = await this.store.buckets('minute', Math.min(...slots), Math.max(...slots) + unit, names, owner);
      for (const record of minutes) {
        const slot = floorTo(record.t, unit);
        if (isDirty(dirtySlots, slot, record.e) && !isDirty(dirtyMinutes, record.t, record.e)) records.push({ ...record, t: slot });
      }
    }
    const raw = await this.store.rawRecords([...dirtyMinutes.keys()], events);
    for (const record of raw) {
      if (owner && record.o !== owner) continue;
      if (isDirty(dirtyMinutes, record.t, record.e)) records.push({ ...record, t: floorTo(record.t, unit) });
    }
    return records;
  }

  /** [from, to) read from the coarsest buckets that fit: whole days, then whole hours, then minutes. */
  async coarseRecords(events: string[], from: number, to: number, owner?: string): Promise<CountRecord[]> {
    const parts: [Interval, number, number][] = [];
    const hoursAndMinutes = (a: number, b: number) => {
      const hourStart = ceilTo(a, HOUR);
      const hourEnd = floorTo(b, HOUR);
      if (hourStart < hourEnd) parts.push(['minute', a, hourStart], ['hour', hourStart, hourEnd], ['minute', hourEnd, b]);
      else parts.push(['minute', a, b]);
    };
    const dayStart = ceilTo(from, DAY);
    const dayEnd = floorTo(to, DAY);
    if (dayStart < dayEnd) {
      hoursAndMinutes(from, dayStart);
      parts.push(['day', dayStart, dayEnd]);
      hoursAndMinutes(dayEnd, to);
    } else hoursAndMinutes(from, to);
    const records: CountRecord[] = [];
    for (const [interval, a, b] of parts) records.push(...(await this.exactRecords(events, a, b, interval, owner)));
    return records;
  }

  private metric(name: string): MetricDefinition {
    const metric = METRICS.get(name);
    if (!metric) throw invalid(StatisticsErrors.unknownMetric, `No metric "${name}": GET /api/v1/statistics/metrics lists them`);
    return metric;
  }

  private zone(tz: string | undefined): string {
    const zone = tz ?? 'UTC';
    if (!isTimeZone(zone)) throw invalid(StatisticsErrors.invalidTimeZone, `"${zone}" is not an IANA time zone`);
    return zone;
  }

  /** Admins: everyone, or the user they ask for; anyone else: their own events, whatever they ask. */
  private ownerScope(requested: string | undefined, actor: Actor): string | undefined {
    return isAdmin(actor) ? requested : actor.sub;
  }

  /** Buckets of `source` must still be kept at `from`. */
  private checkRetained(source: Interval, from: number, now: number, interval: Interval): void {
    const days = source === 'minute' ? this.config.STATISTICS_MINUTE_RETENTION_DAYS : source === 'hour' ? this.config.STATISTICS_HOUR_RETENTION_DAYS : this.config.STATISTICS_DAY_RETENTION_DAYS;
    if (days === 0) return;
    const keptFrom = floorTo(now, DAY) - days * DAY;
    if (from < keptFrom) {
      throw invalid(
        StatisticsErrors.rangeNotRetained,
        `${source === interval ? '' : `These ${interval}s are computed from ${source} buckets: `}${source} buckets are kept ${days} days, from ${new Date(keptFrom).toISOString()}`,
        { interval: source, keptFrom: new Date(keptFrom).toISOString() },
      );
    }
  }

  /** `from`, rounded down to what is still kept at its age: minutes, else hours, else days. */
  private retainedStart(from: number, now: number): number {
    const today = floorTo(now, DAY);
    if (from >= today - this.config.STATISTICS_MINUTE_RETENTION_DAYS * DAY) return floorTo(from, MINUTE);
    if (from >= today - this.config.STATISTICS_HOUR_RETENTION_DAYS * DAY) return Math.max(floorTo(from, HOUR), today - this.config.STATISTICS_HOUR_RETENTION_DAYS * DAY);
    return floorTo(from, DAY);
  }
}

const ALL = '\u0000all';

const sum = (values: number[]) => values.reduce((a, b) => a + b, 0);
const total = (points: { value: number }[]) => points.reduce((a, point) => a + point.value, 0);

const eventsOf = (metric: MetricDefinition) => [...new Set(metric.terms.map((term) => term.event))];

function contribution(metric: MetricDefinition, record: CountRecord): number {
  let value = 0;
  for (const term of metric.terms) if (term.event === record.e) value += term.sign * (term.value === 'count' ? record.n : record.x);
  return value;
}

function dimensionOf(record: CountRecord, dimension: Dimension): string | null {
  switch (dimension) {
    case 'owner':
      return record.o;
    case 'outcome':
      return record.r;
    case 'service':
      return serviceOfEvent(record.e);
    default:
      return record.e;
  }
}
