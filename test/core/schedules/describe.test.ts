import { describe, expect, it } from 'vitest';
import { describeSchedule, parseSchedule } from '../../../app/core/schedules/index.js';

const words = (schedule: unknown) => describeSchedule(parseSchedule(schedule));

describe('describeSchedule', () => {
  it('puts common cron shapes into words, with the time zone when one is given', () => {
    const cases: [unknown, string][] = [
      [{ cron: '0 3 * * *', timezone: 'Asia/Shanghai' }, 'at 03:00 every day (Asia/Shanghai)'],
      [{ cron: '* * * * *' }, 'every minute'],
      [{ cron: '*/15 * * * *' }, 'every 15 minutes'],
      [{ cron: '0 * * * *' }, 'every hour'],
      [{ cron: '20 * * * *' }, 'at minute 20 of every hour'],
      [{ cron: '0 */6 * * *' }, 'every 6 hours'],
      [{ cron: '30 9 * * 1-5', timezone: 'UTC' }, 'at 09:30 on Monday to Friday (UTC)'],
      [{ cron: '30 9 * * MON-FRI' }, 'at 09:30 on Monday to Friday'],
      [{ cron: '0 18 * * 1,3,5' }, 'at 18:00 on Monday, Wednesday and Friday'],
      [{ cron: '5 4 * * 0', timezone: 'UTC' }, 'at 04:05 on Sunday (UTC)'],
      [{ cron: '5 4 * * 7' }, 'at 04:05 on Sunday'],
      [{ cron: '0 6 1 * *' }, 'at 06:00 on day 1 of every month'],
      [{ cron: '* * * * * *' }, 'every second'],
      [{ cron: '*/10 * * * * *' }, 'every 10 seconds'],
      [{ cron: '15 30 9 * * *' }, 'at 09:30:15 every day'],
    ];
    for (const [schedule, expected] of cases) expect(words(schedule)).toBe(expected);
  });

  it('falls back to the cron expression for rarer shapes', () => {
    expect(words({ cron: '5 4 1 1 *', timezone: 'UTC' })).toBe('cron 5 4 1 1 * (UTC)');
    expect(words({ cron: '0 9-17 * * 1-5' })).toBe('cron 0 9-17 * * 1-5');
    expect(words({ cron: '0 12 L * *' })).toBe('cron 0 12 L * *');
  });

  it('puts intervals into the largest whole unit', () => {
    const cases: [unknown, string][] = [
      [{ interval: 3600 }, 'every hour'],
      [{ interval: 'PT1H' }, 'every hour'],
      [{ interval: 900 }, 'every 15 minutes'],
      [{ interval: 'PT15M' }, 'every 15 minutes'],
      [{ interval: 1 }, 'every second'],
      [{ interval: 90 }, 'every 90 seconds'],
      [{ interval: 'P1D' }, 'every day'],
      [{ interval: 'P1DT30M' }, 'every 1470 minutes'],
      [{ interval: 'P2W' }, 'every 2 weeks'],
      [{ interval: 0.5 }, 'every 0.5 seconds'],
      [{ interval: 'P1D', timezone: 'Europe/Berlin' }, 'every day (Europe/Berlin)'],
    ];
    for (const [schedule, expected] of cases) expect(words(schedule)).toBe(expected);
  });

  it('puts common rrule shapes into words and falls back to the rule', () => {
    const cases: [unknown, string][] = [
      [{ rrule: 'FREQ=WEEKLY;BYDAY=MO' }, 'every week on Monday'],
      [{ rrule: 'FREQ=WEEKLY;INTERVAL=2;BYDAY=MO,TH' }, 'every 2 weeks on Monday and Thursday'],
      [{ rrule: 'RRULE:FREQ=DAILY' }, 'every day'],
      [{ rrule: 'FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR;BYHOUR=8', timezone: 'Europe/Berlin' }, 'every week on Monday to Friday at 08:00 (Europe/Berlin)'],
      [{ rrule: 'FREQ=MONTHLY;BYMONTHDAY=1;BYHOUR=6;BYMINUTE=30' }, 'every month on day 1 at 06:30'],
      [{ rrule: 'DTSTART:20260101T060000Z\nRRULE:FREQ=DAILY;INTERVAL=3' }, 'every 3 days'],
      [{ rrule: 'FREQ=YEARLY;BYMONTH=3' }, 'rrule FREQ=YEARLY;BYMONTH=3'],
      [{ rrule: 'FREQ=MONTHLY;BYDAY=-1FR' }, 'rrule FREQ=MONTHLY;BYDAY=-1FR'],
    ];
    for (const [schedule, expected] of cases) expect(words(schedule)).toBe(expected);
  });
});
