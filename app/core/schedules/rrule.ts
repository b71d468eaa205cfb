import { RRule, rrulestr, type RRuleInstance } from './rrule-library.js';
import { DEFAULT_TIME_ZONE } from './cron.js';
import { rruleParts, rrulePartsProblem } from './rrule-parts.js';
import { instantOfWallClock, isKnownTimeZone, wallClockAt } from './time-zones.js';

/** Without a DTSTART a rule counts from this wall-clock time, so its times do not depend on when it was read. */
const DEFAULT_START = Date.UTC(2020, 0, 1);
const DAY_MS = 86_400_000;

function parseRule(expression: string): RRuleInstance {
  const parsed = rrulestr(expression.trim(), { forceset: false });
  if (!(parsed instanceof RRule)) throw new Error('it holds more than one rule; give one RRULE, with an optional DTSTART');
  return parsed;
}

/** What is wrong with an RRULE, or undefined when rrule reads it. */
export function rruleProblem(expression: string): string | undefined {
  const partsProblem = rrulePartsProblem(rruleParts(expression));
  if (partsProblem) return partsProblem;
  try {
    const { tzid } = parseRule(expression).origOptions;
    if (tzid && !isKnownTimeZone(tzid)) return `its DTSTART has an unknown time zone "${tzid}"`;
    return undefined;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}

/** The time zone a rule's times are in: its DTSTART's TZID, else the schedule's, else UTC. */
function ruleTimeZone(rule: RRuleInstance, scheduleTimeZone: string | undefined): string {
  return rule.origOptions.tzid ?? scheduleTimeZone ?? DEFAULT_TIME_ZONE;
}

/** The length of one step of the rules whose steps all last the same, on the wall clock. */
const FIXED_STEP_MS: Partial<Record<number, number>> = {
  [RRule.WEEKLY]: 7 * DAY_MS,
  [RRule.DAILY]: DAY_MS,
  [RRule.HOURLY]: 3_600_000,
  [RRule.MINUTELY]: 60_000,
  [RRule.SECONDLY]: 1_000,
};

/**
 * The rule counted in wall-clock time: rrule's dates then carry the wall clock in their UTC
 * fields, and each is turned into an instant here, in the rule's time zone, the same way in a
 * browser and on a server whatever their own time zone.
 *
 * rrule walks every occurrence from DTSTART on. A rule with steps of fixed length and no COUNT
 * has the same occurrences from a DTSTART moved on by whole steps (its weekday and time of day
 * stay), so it starts from the last such DTSTART before `fromWall`.
 */
function wallClockRule(rule: RRuleInstance, expression: string, timeZone: string, fromWall: number): RRuleInstance {
  const options = rule.origOptions;
  const start = options.dtstart;
  const startIsUtc = /DTSTART:\d{8}T\d{6}Z/i.test(expression);
  let dtstart = !start ? DEFAULT_START : startIsUtc ? wallClockAt(start.getTime(), timeZone) : start.getTime();
  const stepMs = options.freq === undefined ? undefined : FIXED_STEP_MS[options.freq];
  if (stepMs !== undefined && !options.count && fromWall > dtstart) {
    const periodMs = stepMs * (options.interval ?? 1);
    dtstart += Math.floor((fromWall - dtstart) / periodMs) * periodMs;
  }
  return new RRule({ ...options, tzid: null, dtstart: new Date(dtstart) });
}

/** The times of an RRULE strictly after `after`, in order, while `keep` says so. */
export function rruleTimesAfter(
  expression: string,
  scheduleTimeZone: string | undefined,
  after: Date,
  keep: (time: Date, found: number) => boolean,
): Date[] {
  const parsed = parseRule(expression);
  const timeZone = ruleTimeZone(parsed, scheduleTimeZone);
  // A day's margin covers any offset between the wall clock and UTC.
  const firstWall = wallClockAt(after.getTime(), timeZone) - DAY_MS;
  const times: Date[] = [];
  wallClockRule(parsed, expression, timeZone, firstWall).all((wall) => {
    if (wall.getTime() < firstWall) return true;
    const time = new Date(instantOfWallClock(wall.getTime(), timeZone));
    if (time.getTime() <= after.getTime()) return true;
    if (!keep(time, times.length)) return false;
    // The first of a repeated hour is taken, so the same instant can come twice; it runs once.
    if (times.length === 0 || times[times.length - 1].getTime() !== time.getTime()) times.push(time);
    return true;
  });
  return times;
}
