import { nextRunTimes, type Schedule } from '../../core/schedules/index.js';

/**
 * How far ahead a schedule's runs are made: until it has at least `minRuns` runs and reaches
 * `minAheadMs`, but never more than `maxRuns` runs nor past `maxAheadMs`.
 */
export const SCHEDULE_HORIZON = {
  minRuns: 3,
  minAheadMs: 60 * 60 * 1000,
  maxRuns: 100,
  maxAheadMs: 100 * 24 * 60 * 60 * 1000,
} as const;

/**
 * The times a schedule should have runs for, leaving out those up to `lastScheduledTime` (already
 * made): those after `now` within the horizon and, when `from` is earlier than `now`, those in
 * (`from`, `now`] too. A time before `now` is otherwise never given: a time that passed was
 * missed, and what happens to missed times is the catch-up rule's to say.
 */
export function timesAhead(schedule: Schedule, lastScheduledTime: number | null, now: number, from: number = now): number[] {
  const { minRuns, minAheadMs, maxRuns, maxAheadMs } = SCHEDULE_HORIZON;
  const after = Math.max(lastScheduledTime ?? Number.NEGATIVE_INFINITY, from);
  const due = after < now ? nextRunTimes(schedule, new Date(after), { count: maxRuns, until: new Date(now) }) : [];
  const ahead = nextRunTimes(schedule, new Date(now), { count: maxRuns, until: new Date(now + maxAheadMs) }).filter(
    (time, index) => index < minRuns || time.getTime() <= now + minAheadMs,
  );
  return [...due, ...ahead].map((time) => time.getTime()).filter((time) => time > after);
}
