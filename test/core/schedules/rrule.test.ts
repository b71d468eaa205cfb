import { describe, expect, it } from 'vitest';
import { nextRunTimes, parseSchedule } from '../../../app/core/schedules/index.js';

const iso = (dates: Date[]) => dates.map((date) => date.toISOString());
const times = (schedule: unknown, after: string, options: { count?: number; until?: string }) =>
  iso(
    nextRunTimes(parseSchedule(schedule), new Date(after), {
      ...(options.count !== undefined ? { count: options.count } : {}),
      ...(options.until ? { until: new Date(options.until) } : {}),
    }),
  );

describe('rrule schedules', () => {
  it('run weekly at a local time in their time zone, across the March change', () => {
    const schedule = { rrule: 'FREQ=WEEKLY;BYDAY=MO;BYHOUR=9;BYMINUTE=0', timezone: 'Europe/Berlin' };
    expect(times(schedule, '2026-03-20T12:00:00Z', { count: 3 })).toEqual([
      '2026-03-23T08:00:00.000Z', // 09:00 CET
      '2026-03-30T07:00:00.000Z', // 09:00 CEST
      '2026-04-06T07:00:00.000Z',
    ]);
  });

  it('run at midnight on the given day without a DTSTART, the same whenever they are read', () => {
    expect(times({ rrule: 'FREQ=WEEKLY;BYDAY=MO' }, '2026-12-01T00:00:00Z', { count: 2 })).toEqual([
      '2026-12-07T00:00:00.000Z',
      '2026-12-14T00:00:00.000Z',
    ]);
  });

  it('run monthly from a DTSTART with its own time zone', () => {
    const schedule = { rrule: 'DTSTART;TZID=America/New_York:20260105T093000\nRRULE:FREQ=MONTHLY;BYMONTHDAY=5' };
    expect(times(schedule, '2026-02-01T00:00:00Z', { count: 3 })).toEqual([
      '2026-02-05T14:30:00.000Z', // 09:30 EST
      '2026-03-05T14:30:00.000Z',
      '2026-04-05T13:30:00.000Z', // 09:30 EDT
    ]);
  });

  it('count an INTERVAL from the DTSTART', () => {
    const schedule = { rrule: 'DTSTART:20260101T060000Z\nRRULE:FREQ=DAILY;INTERVAL=3' };
    expect(times(schedule, '2026-01-02T00:00:00Z', { count: 2 })).toEqual(['2026-01-04T06:00:00.000Z', '2026-01-07T06:00:00.000Z']);
  });

  it('keep the steps of an INTERVAL counted from the DTSTART when asked long after it', () => {
    const everyThirdDay = 'DTSTART:20260101T060000Z\nRRULE:FREQ=DAILY;INTERVAL=3';
    // 1 June is 151 days after 1 January; the next multiple of 3 is 153 days, 3 June.
    expect(times({ rrule: everyThirdDay }, '2026-06-01T00:00:00Z', { count: 2 })).toEqual(['2026-06-03T06:00:00.000Z', '2026-06-06T06:00:00.000Z']);
    // Week 0 starts on Monday 5 January; 1 July is in week 25, which is skipped.
    const everyOtherWeek = 'DTSTART:20260105T090000Z\nRRULE:FREQ=WEEKLY;INTERVAL=2;BYDAY=MO,FR';
    const expected = ['2026-07-06T09:00:00.000Z', '2026-07-10T09:00:00.000Z', '2026-07-20T09:00:00.000Z'];
    expect(times({ rrule: everyOtherWeek }, '2026-07-01T00:00:00Z', { count: 3 })).toEqual(expected);
    // A COUNT makes rrule walk from the DTSTART itself; the times are the same.
    expect(times({ rrule: `${everyOtherWeek};COUNT=1000` }, '2026-07-01T00:00:00Z', { count: 3 })).toEqual(expected);
  });

  it('run once in the repeated hour and move a skipped time forward by the gap', () => {
    const schedule = { rrule: 'FREQ=DAILY;BYHOUR=2;BYMINUTE=30', timezone: 'Europe/Berlin' };
    expect(times(schedule, '2026-10-24T12:00:00Z', { count: 2 })).toEqual([
      '2026-10-25T00:30:00.000Z', // the first 02:30, in CEST
      '2026-10-26T01:30:00.000Z',
    ]);
    // 02:30 on 29 March does not exist; read with the offset before the gap it is 03:30 CEST.
    expect(times(schedule, '2026-03-28T12:00:00Z', { count: 2 })).toEqual(['2026-03-29T01:30:00.000Z', '2026-03-30T00:30:00.000Z']);
  });

  it('stop at the end of the rule itself', () => {
    const schedule = { rrule: 'DTSTART:20260101T000000Z\nRRULE:FREQ=DAILY;COUNT=3' };
    expect(times(schedule, '2026-01-01T12:00:00Z', { count: 10 })).toEqual(['2026-01-02T00:00:00.000Z', '2026-01-03T00:00:00.000Z']);
  });
});

describe('count and until', () => {
  const hourly = { cron: '0 * * * *' };

  it('give one time when neither is given', () => {
    expect(times(hourly, '2026-01-01T00:30:00Z', {})).toEqual(['2026-01-01T01:00:00.000Z']);
  });

  it('give every time up to and including until', () => {
    expect(times(hourly, '2026-01-01T00:30:00Z', { until: '2026-01-01T03:00:00Z' })).toEqual([
      '2026-01-01T01:00:00.000Z',
      '2026-01-01T02:00:00.000Z',
      '2026-01-01T03:00:00.000Z',
    ]);
  });

  it('stop at whichever of count and until comes first, for every kind', () => {
    const kinds = [hourly, { interval: 'PT1H' }, { rrule: 'FREQ=HOURLY' }];
    for (const schedule of kinds) {
      expect(times(schedule, '2026-01-01T00:30:00Z', { count: 2, until: '2026-01-01T05:00:00Z' })).toEqual([
        '2026-01-01T01:00:00.000Z',
        '2026-01-01T02:00:00.000Z',
      ]);
      expect(times(schedule, '2026-01-01T00:30:00Z', { count: 5, until: '2026-01-01T02:30:00Z' })).toEqual([
        '2026-01-01T01:00:00.000Z',
        '2026-01-01T02:00:00.000Z',
      ]);
      expect(times(schedule, '2026-01-01T00:30:00Z', { until: '2026-01-01T00:59:59Z' })).toEqual([]);
    }
  });
});
