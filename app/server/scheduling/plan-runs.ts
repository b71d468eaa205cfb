import type { ScheduledRunsRequest, ScheduleTarget } from '../store/deployment-store.js';
import { timesAhead } from './runs-ahead.js';

/**
 * The runs every schedule still needs ahead of `now`. At start-up `from` is earlier than `now`:
 * times after it are too recent to count as missed, and get runs due at once, unless the schedule
 * is new (no run made yet), which starts from `now`.
 */
export function planRunsAhead(targets: readonly ScheduleTarget[], now: number, from: number = now): ScheduledRunsRequest[] {
  const runs: ScheduledRunsRequest[] = [];
  for (const target of targets) {
    const start = target.lastScheduledTime === null ? now : from;
    const times = timesAhead(target.schedule, target.lastScheduledTime, now, start);
    if (times.length > 0) runs.push({ deploymentId: target.deploymentId, scheduleId: target.scheduleId, times });
  }
  return runs;
}
