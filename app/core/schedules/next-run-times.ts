import { cronTimesAfter } from './cron.js';
import { intervalTimesAfter } from './interval.js';
import type { Schedule } from './model.js';
import { rruleTimesAfter } from './rrule.js';

export interface NextRunTimesOptions {
  /** How many times at most; 1 when neither this nor `until` is given. */
  count?: number;
  /** The last time that may be given (inclusive). */
  until?: Date;
}

/** A bound on any one answer, so a schedule that runs every second and a far `until` still end. */
export const MAX_RUN_TIMES = 10_000;

/** The times a schedule runs strictly after `after`, in order. An inactive schedule still has times. */
export function nextRunTimes(schedule: Schedule, after: Date, options: NextRunTimesOptions = {}): Date[] {
  const count = Math.min(options.count ?? (options.until ? MAX_RUN_TIMES : 1), MAX_RUN_TIMES);
  const untilMs = options.until?.getTime() ?? Number.POSITIVE_INFINITY;
  const keep = (time: Date, found: number) => found < count && time.getTime() <= untilMs;
  if ('cron' in schedule) return cronTimesAfter(schedule.cron, schedule.timezone, schedule.dayOr, after, keep);
  if ('interval' in schedule) return intervalTimesAfter(schedule, after, keep);
  return rruleTimesAfter(schedule.rrule, schedule.timezone, after, keep);
}
