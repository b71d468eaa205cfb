import { intervalSeconds } from './interval-seconds.js';
import type { IntervalSchedule } from './model.js';
import { instantOfWallClock, wallClockAt } from './time-zones.js';

/** Intervals are counted from this instant when no anchor is given, so times stay the same across restarts. */
export const DEFAULT_ANCHOR = '2020-01-01T00:00:00Z';
const DAY_MS = 86_400_000;

/**
 * The times anchor + k * interval strictly after `after`, in order, while `keep` says so. An
 * interval of whole days in a time zone is counted on its wall clock, so a daily run keeps its
 * local time across daylight-saving changes; any other interval is counted in real time.
 */
export function intervalTimesAfter(schedule: IntervalSchedule, after: Date, keep: (time: Date, found: number) => boolean): Date[] {
  const stepMs = intervalSeconds(schedule.interval) * 1000;
  const anchorMs = Date.parse(schedule.anchorDate ?? DEFAULT_ANCHOR);
  const timeZone = schedule.timezone;
  const onWallClock = timeZone !== undefined && stepMs % DAY_MS === 0;
  const toWall = (instant: number) => (onWallClock ? wallClockAt(instant, timeZone) : instant);
  const toInstant = (wall: number) => (onWallClock ? instantOfWallClock(wall, timeZone) : wall);
  const anchor = toWall(anchorMs);
  // One step early, as the wall clock and real time can differ by an hour around a change.
  let k = Math.floor((toWall(after.getTime()) - anchor) / stepMs);
  const times: Date[] = [];
  for (; ; k += 1) {
    const time = new Date(toInstant(anchor + k * stepMs));
    if (time.getTime() <= after.getTime()) continue;
    if (!keep(time, times.length)) return times;
    times.push(time);
  }
}
