import { partitionSpan, Partitions, partitionsOver, slotIndex, slotsOf, sourceIntervalFor } from './time-slots';

const at = (iso: string) => Date.parse(iso);

describe('time slots', () => {
  it('aligns slots to the requested zone, with 23- and 25-hour days around daylight saving time', () => {
    const days = slotsOf(at('2026-03-07T12:00:00Z'), at('2026-03-10T00:00:00Z'), 'day', 'America/New_York', 100);
    expect(days.map((t) => new Date(t).toISOString())).toEqual([
      '2026-03-07T05:00:00.000Z',
      '2026-03-08T05:00:00.000Z',
      '2026-03-09T04:00:00.000Z', // the day after the spring change starts an hour earlier in UTC
      '2026-03-10T04:00:00.000Z',
    ]);
    expect(days[2] - days[1]).toBe(23 * 3_600_000);
  });

  it('reads local days from hour buckets in whole-hour zones and hours from minute buckets in half-hour zones', () => {
    expect(sourceIntervalFor(slotsOf(at('2026-01-01T00:00:00Z'), at('2026-01-03T00:00:00Z'), 'day', 'UTC', 10), 'day')).toBe('day');
    expect(sourceIntervalFor(slotsOf(at('2026-01-01T00:00:00Z'), at('2026-01-03T00:00:00Z'), 'day', 'Asia/Seoul', 10), 'day')).toBe('hour');
    expect(sourceIntervalFor(slotsOf(at('2026-01-01T00:00:00Z'), at('2026-01-01T05:00:00Z'), 'hour', 'Asia/Kolkata', 10), 'hour')).toBe('minute');
  });

  it('stops counting slots one past the limit, so a huge range is refused without building it', () => {
    expect(slotsOf(0, 365 * 86_400_000, 'minute', 'UTC', 20_000)).toHaveLength(20_002);
  });

  it('finds the slot of an instant, and none outside the range', () => {
    const slots = [0, 10, 20, 30];
    expect([0, 9, 10, 29].map((t) => slotIndex(slots, t))).toEqual([0, 0, 1, 2]);
    expect([-1, 30].map((t) => slotIndex(slots, t))).toEqual([-1, -1]);
  });

  it('names partitions by UTC hour, day, month and year, and knows the span of each', () => {
    const t = at('2026-11-26T13:45:00Z');
    expect([Partitions.raw(t), Partitions.minute(t), Partitions.hour(t), Partitions.day(t)]).toEqual(['raw_2026112613', 'bm_20261126', 'bh_202611', 'bd_2026']);
    expect(partitionSpan('bh_202612')).toEqual({ kind: 'hour', start: at('2026-12-01T00:00:00Z'), end: at('2027-01-01T00:00:00Z') });
    expect(partitionSpan('pending')).toBeNull();
    expect(partitionsOver('minute', at('2026-11-25T23:00:00Z'), at('2026-11-27T00:00:00Z'))).toEqual(['bm_20261125', 'bm_20261126']);
  });
});
