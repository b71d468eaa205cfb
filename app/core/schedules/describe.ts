// A schedule in words, for the CLI and the UI. Each kind has a table of small rules; the first
// that recognises the schedule's shape speaks, and the expression itself is the fallback.
import { rruleParts, type RRuleParts } from './rrule-parts.js';
import { intervalSeconds } from './interval-seconds.js';
import type { CronSchedule, IntervalSchedule, RRuleSchedule, Schedule } from './model.js';

type Rule<T> = (schedule: T) => string | undefined;

const WEEKDAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
const WEEKDAY_NAMES: Partial<Record<string, number>> = { SUN: 0, MON: 1, TUE: 2, WED: 3, THU: 4, FRI: 5, SAT: 6 };
const RRULE_DAYS: Partial<Record<string, number>> = { SU: 0, MO: 1, TU: 2, WE: 3, TH: 4, FR: 5, SA: 6 };

const isDay = (value: number | undefined): value is number => value !== undefined;

function plural(amount: number, unit: string): string {
  return amount === 1 ? `every ${unit}` : `every ${amount} ${unit}s`;
}

function listInWords(items: string[]): string {
  return items.length <= 1 ? items.join('') : `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
}

function clock(hour: number, minute: number, second = 0): string {
  const pad = (value: number) => String(value).padStart(2, '0');
  return `${pad(hour)}:${pad(minute)}${second ? `:${pad(second)}` : ''}`;
}

const NUMBER = /^\d+$/;
const STEP = /^\*\/(\d+)$/;

/** Week days such as 1-5, MON,WED,FRI or 0 in words, or undefined for shapes read elsewhere. */
function weekdaysInWords(field: string): string | undefined {
  const day = (text: string) => (NUMBER.test(text) ? Number(text) % 7 : WEEKDAY_NAMES[text.toUpperCase()]);
  const range = /^(\w+)-(\w+)$/.exec(field);
  if (range) {
    const [from, to] = [day(range[1]), day(range[2])];
    return from === undefined || to === undefined ? undefined : `${WEEKDAYS[from]} to ${WEEKDAYS[to]}`;
  }
  const days = field.split(',').map(day);
  return days.every(isDay) ? listInWords(days.map((value) => WEEKDAYS[value])) : undefined;
}

interface CronFields {
  second: string;
  minute: string;
  hour: string;
  day: string;
  month: string;
  weekday: string;
}

function cronFields(expression: string): CronFields {
  const parts = expression.trim().split(/\s+/);
  const withSeconds = parts.length === 6 ? parts : ['0', ...parts];
  const [second, minute, hour, day, month, weekday] = withSeconds;
  return { second, minute, hour, day, month, weekday };
}

const everyDay = (f: CronFields) => f.day === '*' && f.month === '*' && f.weekday === '*';
const atClock = (f: CronFields) => NUMBER.test(f.second) && NUMBER.test(f.minute) && NUMBER.test(f.hour);
const clockOf = (f: CronFields) => clock(Number(f.hour), Number(f.minute), Number(f.second));

const CRON_RULES: Rule<CronFields>[] = [
  (f) => (f.second === '*' && f.minute === '*' && f.hour === '*' && everyDay(f) ? 'every second' : undefined),
  (f) => {
    const step = STEP.exec(f.second);
    return step && f.minute === '*' && f.hour === '*' && everyDay(f) ? plural(Number(step[1]), 'second') : undefined;
  },
  (f) => (f.second === '0' && f.minute === '*' && f.hour === '*' && everyDay(f) ? 'every minute' : undefined),
  (f) => {
    const step = STEP.exec(f.minute);
    return f.second === '0' && step && f.hour === '*' && everyDay(f) ? plural(Number(step[1]), 'minute') : undefined;
  },
  (f) => (f.second === '0' && f.minute === '0' && f.hour === '*' && everyDay(f) ? 'every hour' : undefined),
  (f) => (f.second === '0' && NUMBER.test(f.minute) && f.hour === '*' && everyDay(f) ? `at minute ${Number(f.minute)} of every hour` : undefined),
  (f) => {
    const step = STEP.exec(f.hour);
    return f.second === '0' && f.minute === '0' && step && everyDay(f) ? plural(Number(step[1]), 'hour') : undefined;
  },
  (f) => (atClock(f) && everyDay(f) ? `at ${clockOf(f)} every day` : undefined),
  (f) => {
    if (!atClock(f) || f.day !== '*' || f.month !== '*') return undefined;
    const days = weekdaysInWords(f.weekday);
    return days ? `at ${clockOf(f)} on ${days}` : undefined;
  },
  (f) =>
    atClock(f) && NUMBER.test(f.day) && f.month === '*' && f.weekday === '*' ? `at ${clockOf(f)} on day ${Number(f.day)} of every month` : undefined,
];

function describeCron(schedule: CronSchedule): string {
  const fields = cronFields(schedule.cron);
  const words = firstAnswer(CRON_RULES, fields) ?? `cron ${schedule.cron.trim()}`;
  return schedule.timezone ? `${words} (${schedule.timezone})` : words;
}

const INTERVAL_UNITS: [number, string][] = [
  [604_800, 'week'],
  [86_400, 'day'],
  [3_600, 'hour'],
  [60, 'minute'],
  [1, 'second'],
];

function describeInterval(schedule: IntervalSchedule): string {
  const seconds = intervalSeconds(schedule.interval);
  const unit = INTERVAL_UNITS.find(([length]) => seconds % length === 0);
  const words = unit ? plural(seconds / unit[0], unit[1]) : `every ${seconds} seconds`;
  return schedule.timezone ? `${words} (${schedule.timezone})` : words;
}

const RRULE_UNITS: Record<string, string> = {
  SECONDLY: 'second',
  MINUTELY: 'minute',
  HOURLY: 'hour',
  DAILY: 'day',
  WEEKLY: 'week',
  MONTHLY: 'month',
  YEARLY: 'year',
};
/** The parts the rules below put into words; a rule with any other is left as it is written. */
const RRULE_KNOWN = new Set(['FREQ', 'INTERVAL', 'BYDAY', 'BYMONTHDAY', 'BYHOUR', 'BYMINUTE', 'WKST']);

function rruleDays(byDay: string): string | undefined {
  const days = byDay.split(',').map((code) => RRULE_DAYS[code]);
  if (!days.every(isDay)) return undefined;
  const weekdays = days.length === 5 && [1, 2, 3, 4, 5].every((value) => days.includes(value));
  return weekdays ? 'Monday to Friday' : listInWords(days.map((value) => WEEKDAYS[value]));
}

const RRULE_RULES: Rule<RRuleParts>[] = [
  (parts) => {
    const unit = RRULE_UNITS[parts.FREQ];
    if (!unit || Object.keys(parts).some((key) => !RRULE_KNOWN.has(key))) return undefined;
    if (parts.INTERVAL && !NUMBER.test(parts.INTERVAL)) return undefined;
    if ((parts.BYHOUR && !NUMBER.test(parts.BYHOUR)) || (parts.BYMINUTE && !NUMBER.test(parts.BYMINUTE))) return undefined;
    const words = [plural(Number(parts.INTERVAL ?? 1), unit)];
    if (parts.BYDAY) {
      const days = rruleDays(parts.BYDAY);
      if (!days) return undefined;
      words.push(`on ${days}`);
    }
    if (parts.BYMONTHDAY) {
      if (!/^\d+(,\d+)*$/.test(parts.BYMONTHDAY)) return undefined;
      words.push(`on day ${listInWords(parts.BYMONTHDAY.split(',').map(String))}`);
    }
    if (parts.BYHOUR) words.push(`at ${clock(Number(parts.BYHOUR), Number(parts.BYMINUTE ?? 0))}`);
    return words.join(' ');
  },
];

function describeRRule(schedule: RRuleSchedule): string {
  const words = firstAnswer(RRULE_RULES, rruleParts(schedule.rrule)) ?? `rrule ${schedule.rrule.trim()}`;
  return schedule.timezone ? `${words} (${schedule.timezone})` : words;
}

function firstAnswer<T>(rules: Rule<T>[], input: T): string | undefined {
  for (const rule of rules) {
    const answer = rule(input);
    if (answer !== undefined) return answer;
  }
  return undefined;
}

/** The schedule in words, such as "at 03:00 every day (Asia/Shanghai)" or "every 15 minutes". */
export function describeSchedule(schedule: Schedule): string {
  if ('cron' in schedule) return describeCron(schedule);
  if ('interval' in schedule) return describeInterval(schedule);
  return describeRRule(schedule);
}
