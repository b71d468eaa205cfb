import { describe, expect, it } from 'vitest';
import { nextRunTimes, parseSchedule } from '../../../app/core/schedules/index.js';

const iso = (dates: Date[]) => dates.map((date) => date.toISOString());
const times = (schedule: unknown, after: string, count: number) => iso(nextRunTimes(parseSchedule(schedule), new Date(after), { count }));

describe('cron schedules', () => {
  it('run in Asia/Shanghai at its fixed offset of +08:00 all year', () => {
    const schedule = { cron: '0 3 * * *', timezone: 'Asia/Shanghai' };
    expect(times(schedule, '2026-03-27T12:00:00Z', 3)).toEqual(['2026-03-27T19:00:00.000Z', '2026-03-28T19:00:00.000Z', '2026-03-29T19:00:00.000Z']);
    expect(times(schedule, '2026-10-24T12:00:00Z', 2)).toEqual(['2026-10-24T19:00:00.000Z', '2026-10-25T19:00:00.000Z']);
  });

  it('move a time in the skipped hour of Europe/Berlin to the first time after it', () => {
    // On 29 March 2026 the clock goes from 02:00 to 03:00; 02:30 does not exist that night.
    expect(times({ cron: '30 2 * * *', timezone: 'Europe/Berlin' }, '2026-03-27T12:00:00Z', 4)).toEqual([
      '2026-03-28T01:30:00.000Z', // 02:30 CET
      '2026-03-29T01:00:00.000Z', // 03:00 CEST
      '2026-03-30T00:30:00.000Z', // 02:30 CEST
      '2026-03-31T00:30:00.000Z',
    ]);
  });

  it('run once in the repeated hour of Europe/Berlin', () => {
    // On 25 October 2026 the clock goes back from 03:00 to 02:00; 02:30 happens twice.
    expect(times({ cron: '30 2 * * *', timezone: 'Europe/Berlin' }, '2026-10-23T12:00:00Z', 4)).toEqual([
      '2026-10-24T00:30:00.000Z', // 02:30 CEST
      '2026-10-25T00:30:00.000Z', // the first 02:30, in CEST, and not the second
      '2026-10-26T01:30:00.000Z', // 02:30 CET
      '2026-10-27T01:30:00.000Z',
    ]);
  });

  it('keep the pace of a stepped schedule in real time across both changes', () => {
    const schedule = { cron: '*/30 * * * *', timezone: 'Europe/Berlin' };
    // 01:30 CET, then 03:00 and 03:30 CEST: the skipped 02:00 and 02:30 are left out.
    expect(times(schedule, '2026-03-29T00:10:00Z', 3)).toEqual(['2026-03-29T00:30:00.000Z', '2026-03-29T01:00:00.000Z', '2026-03-29T01:30:00.000Z']);
    // 02:00 and 02:30 in CEST, then again in CET: every 30 minutes of real time.
    expect(times(schedule, '2026-10-24T23:50:00Z', 4)).toEqual([
      '2026-10-25T00:00:00.000Z',
      '2026-10-25T00:30:00.000Z',
      '2026-10-25T01:00:00.000Z',
      '2026-10-25T01:30:00.000Z',
    ]);
  });

  it('run in UTC when no time zone is given', () => {
    expect(times({ cron: '0 9 * * 1-5' }, '2026-12-04T10:00:00Z', 2)).toEqual(['2026-12-07T09:00:00.000Z', '2026-12-08T09:00:00.000Z']);
  });

  it('take six fields with seconds first', () => {
    expect(times({ cron: '*/20 * * * * *' }, '2026-01-01T00:00:05Z', 4)).toEqual([
      '2026-01-01T00:00:20.000Z',
      '2026-01-01T00:00:40.000Z',
      '2026-01-01T00:01:00.000Z',
      '2026-01-01T00:01:20.000Z',
    ]);
    expect(times({ cron: '15 30 9 * * *', timezone: 'Europe/Berlin' }, '2026-07-01T00:00:00Z', 1)).toEqual(['2026-07-01T07:30:15.000Z']);
  });

  it('give times strictly after the given one', () => {
    expect(times({ cron: '0 * * * *' }, '2026-01-01T10:00:00Z', 2)).toEqual(['2026-01-01T11:00:00.000Z', '2026-01-01T12:00:00.000Z']);
  });

  it('run on a day that matches either day field, or only both when dayOr is false', () => {
    // 1 December 2026 is a Tuesday; the Mondays are the 7th and the 14th.
    const either = { cron: '0 8 1 * 1' };
    expect(times(either, '2026-11-30T12:00:00Z', 3)).toEqual(['2026-12-01T08:00:00.000Z', '2026-12-07T08:00:00.000Z', '2026-12-14T08:00:00.000Z']);
    // The first Monday that is also the 1st of a month is 1 February 2027.
    expect(times({ ...either, dayOr: false }, '2026-11-30T12:00:00Z', 1)).toEqual(['2027-02-01T08:00:00.000Z']);
  });
});
