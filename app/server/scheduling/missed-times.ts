import { nextRunTimes, type Schedule } from '../../core/schedules/index.js';

const FIRST_WINDOW_MS = 60 * 1000;

/**
 * The latest `max` times of a schedule in (`after`, `until`], oldest first. Searched backwards
 * from `until` in doubling windows, so a schedule left for years is not walked from its start.
 */
export function latestTimesBetween(schedule: Schedule, after: number, until: number, max: number): number[] {
  if (max <= 0 || until <= after) return [];
  let window = FIRST_WINDOW_MS;
  for (;;) {
    const from = Math.max(after, until - window);
    const times = nextRunTimes(schedule, new Date(from), { until: new Date(until) }).map((time) => time.getTime());
    if (times.length >= max || from === after) return times.slice(-max);
    window *= 2;
  }
}
