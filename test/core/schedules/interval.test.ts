import { describe, expect, it } from 'vitest';
import { DEFAULT_ANCHOR, isoDurationSeconds, nextRunTimes, parseSchedule } from '../../../app/core/schedules/index.js';

const iso = (dates: Date[]) => dates.map((date) => date.toISOString());
const times = (schedule: unknown, after: string, count: number) => iso(nextRunTimes(parseSchedule(schedule), new Date(after), { count }));

describe('interval schedules', () => {
  it('count from the anchor, so the times are the same whatever moment they are asked from', () => {
    const schedule = { interval: 3600, anchorDate: '2026-01-01T00:15:00Z' };
    const expected = ['2026-03-27T12:15:00.000Z', '2026-03-27T13:15:00.000Z', '2026-03-27T14:15:00.000Z'];
    expect(times(schedule, '2026-03-27T11:15:00Z', 3)).toEqual(expected);
    expect(times(schedule, '2026-03-27T11:40:12.345Z', 3)).toEqual(expected);
    expect(times(schedule, '2026-03-27T12:14:59.999Z', 3)).toEqual(expected);
    expect(times(schedule, '2026-03-27T12:15:00Z', 2)).toEqual(expected.slice(1));
  });

  it('count from 2020-01-01T00:00:00Z without an anchor', () => {
    expect(DEFAULT_ANCHOR).toBe('2020-01-01T00:00:00Z');
    // 2026-01-01 is 52,608 hours after it, 3 hours past a multiple of 7.
    expect(times({ interval: 7 * 3600 }, '2026-01-01T00:00:00Z', 2)).toEqual(['2026-01-01T04:00:00.000Z', '2026-01-01T11:00:00.000Z']);
  });

  it('take ISO 8601 durations', () => {
    expect(isoDurationSeconds('PT1H')).toBe(3600);
    expect(isoDurationSeconds('P1DT30M')).toBe(88_200);
    expect(isoDurationSeconds('P2W')).toBe(1_209_600);
    expect(isoDurationSeconds('PT0.5S')).toBe(0.5);
    expect(isoDurationSeconds('PT')).toBeUndefined();
    expect(isoDurationSeconds('P1M')).toBeUndefined();
    expect(times({ interval: 'PT15M', anchorDate: '2026-05-01T10:00:00+02:00' }, '2026-05-01T08:20:00Z', 3)).toEqual([
      '2026-05-01T08:30:00.000Z',
      '2026-05-01T08:45:00.000Z',
      '2026-05-01T09:00:00.000Z',
    ]);
    expect(times({ interval: 'P1DT30M', anchorDate: '2026-01-01T00:00:00Z' }, '2026-01-01T00:00:00Z', 2)).toEqual([
      '2026-01-02T00:30:00.000Z',
      '2026-01-03T01:00:00.000Z',
    ]);
  });

  it('keep the local time of a daily interval in its time zone across a daylight-saving change', () => {
    const schedule = { interval: 'P1D', anchorDate: '2026-03-01T09:00:00+01:00', timezone: 'Europe/Berlin' };
    expect(times(schedule, '2026-03-28T00:00:00Z', 3)).toEqual([
      '2026-03-28T08:00:00.000Z', // 09:00 CET
      '2026-03-29T07:00:00.000Z', // 09:00 CEST
      '2026-03-30T07:00:00.000Z',
    ]);
    // Without a time zone a day is 24 hours of real time.
    expect(times({ interval: 'P1D', anchorDate: '2026-03-01T09:00:00+01:00' }, '2026-03-28T00:00:00Z', 2)).toEqual([
      '2026-03-28T08:00:00.000Z',
      '2026-03-29T08:00:00.000Z',
    ]);
  });

  it('count intervals before the anchor the same way', () => {
    expect(times({ interval: 600, anchorDate: '2030-01-01T00:00:00Z' }, '2026-01-01T00:01:00Z', 2)).toEqual([
      '2026-01-01T00:10:00.000Z',
      '2026-01-01T00:20:00.000Z',
    ]);
  });
});
