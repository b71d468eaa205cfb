import { describe, expect, it } from 'vitest';
import { parseSchedule, ScheduleError, ScheduleSchema } from '../../../app/core/schedules/index.js';

const problemWith = (input: unknown): string => {
  try {
    parseSchedule(input);
  } catch (error) {
    expect(error).toBeInstanceOf(ScheduleError);
    return (error as Error).message;
  }
  throw new Error(`${JSON.stringify(input)} was accepted`);
};

describe('schedule validation', () => {
  it('accepts each kind with its optional fields', () => {
    const schedules = [
      { cron: '0 3 * * *', timezone: 'Asia/Shanghai', dayOr: false, active: false, parameters: { region: 'cn' } },
      { cron: '*/10 * * * * *' },
      { interval: 3600 },
      { interval: 'P1DT30M', anchorDate: '2026-01-01T09:00:00+01:00', timezone: 'Europe/Berlin' },
      { rrule: 'FREQ=WEEKLY;BYDAY=MO', timezone: 'UTC', parameters: {} },
      { rrule: 'DTSTART;TZID=Europe/Berlin:20260105T093000\nRRULE:FREQ=MONTHLY;BYMONTHDAY=5' },
    ];
    for (const schedule of schedules) {
      expect(parseSchedule(schedule)).toEqual(schedule);
      expect(ScheduleSchema.parse(schedule)).toEqual(schedule);
    }
  });

  it('names a bad cron expression', () => {
    expect(problemWith({ cron: '61 * * * *' })).toMatch(/^cron: "61 \* \* \* \*" is not a valid cron expression: .*minute/);
    expect(problemWith({ cron: '* * *' })).toBe(
      'cron: "* * *" is not a valid cron expression: has 3 fields; it needs 5 (minute to weekday) or 6 (with seconds first)',
    );
    expect(problemWith({ cron: '0 0 0 * * * 2026' })).toMatch(/^cron: .* has 7 fields/);
    expect(problemWith({ cron: 'every day' })).toMatch(/^cron: "every day" is not a valid cron expression/);
  });

  it('names an unknown time zone', () => {
    expect(problemWith({ cron: '0 3 * * *', timezone: 'Mars/Olympus' })).toBe(
      'timezone: unknown time zone "Mars/Olympus"; use an IANA name such as Europe/Berlin or UTC',
    );
    expect(problemWith({ interval: 60, timezone: 'Nowhere' })).toMatch(/^timezone: unknown time zone "Nowhere"/);
    expect(problemWith({ rrule: 'DTSTART;TZID=Mars/Olympus:20260105T093000\nRRULE:FREQ=DAILY' })).toMatch(
      /^rrule: .* its DTSTART has an unknown time zone "Mars\/Olympus"$/s,
    );
  });

  it('refuses a zero or negative interval', () => {
    expect(problemWith({ interval: 0 })).toBe('interval: 0 must be longer than zero');
    expect(problemWith({ interval: -60 })).toBe('interval: -60 must be longer than zero');
    expect(problemWith({ interval: 'PT0S' })).toBe('interval: PT0S must be longer than zero');
  });

  it('names an unparsable duration or anchor', () => {
    for (const interval of ['P1M', 'soon', 'PT', '1h']) {
      expect(problemWith({ interval })).toBe(
        `interval: "${interval}" is not a number of seconds or an ISO 8601 duration of weeks, days, hours, minutes and seconds such as PT1H or P1DT30M`,
      );
    }
    expect(problemWith({ interval: 60, anchorDate: '2026-01-01T09:00' })).toBe(
      'anchorDate: "2026-01-01T09:00" is not an ISO 8601 date and time with an offset, such as 2026-01-01T09:00:00+01:00',
    );
    expect(problemWith({ interval: 60, anchorDate: 'yesterdayZ' })).toMatch(/^anchorDate: "yesterdayZ" is not an ISO 8601/);
  });

  it('names an unparsable rrule', () => {
    expect(problemWith({ rrule: 'BYDAY=MO' })).toBe('rrule: "BYDAY=MO" is not a valid RRULE: it has no FREQ, such as FREQ=WEEKLY;BYDAY=MO');
    expect(problemWith({ rrule: 'FREQ=SOMETIMES' })).toBe(
      'rrule: "FREQ=SOMETIMES" is not a valid RRULE: FREQ=SOMETIMES is not one of SECONDLY, MINUTELY, HOURLY, DAILY, WEEKLY, MONTHLY, YEARLY',
    );
    expect(problemWith({ rrule: 'FREQ=WEEKLY;BYDAY=XX' })).toBe(
      'rrule: "FREQ=WEEKLY;BYDAY=XX" is not a valid RRULE: BYDAY=XX: "XX" is not a week day such as MO or -1FR',
    );
    expect(problemWith({ rrule: 'FREQ=WEEKLY;ONDAY=MO' })).toBe('rrule: "FREQ=WEEKLY;ONDAY=MO" is not a valid RRULE: ONDAY is not an RRULE part');
  });

  it('needs exactly one kind, and no unknown fields', () => {
    expect(problemWith({})).toBe('A schedule needs exactly one of cron, interval or rrule');
    expect(problemWith({ cron: '* * * * *', interval: 60 })).toBe('A schedule needs exactly one of cron, interval or rrule, not cron and interval');
    expect(problemWith('0 3 * * *')).toBe('A schedule must be an object with one of cron, interval or rrule');
    expect(problemWith({ cron: '* * * * *', timeZone: 'UTC' })).toBe('unknown field timeZone');
    expect(problemWith({ interval: 60, active: 'yes' })).toMatch(/^active: /);
    expect(problemWith({ cron: 5 })).toMatch(/^cron: /);
  });
});
