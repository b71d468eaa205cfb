import type { CatchUpRule } from '../../core/api/deployments.js';
import type { ScheduledRunsRequest, ScheduleTarget } from '../store/deployment-store.js';
import { latestTimesBetween } from './missed-times.js';
import { SCHEDULE_HORIZON } from './runs-ahead.js';

/** A run not started this long after its time is Late; at start-up, a time this far past was missed. */
export const LATE_AFTER_MS = 15_000;

/** The Scheduled runs of one deployment, for times before `before`, that are cancelled: all, or all but the latest. */
export interface MissedRunsSkip {
  deploymentId: string;
  before: number;
  keepLatest: boolean;
}

export interface CatchUpPlan {
  /** Runs for missed times that never got one, which the catch-up rule keeps. */
  runs: ScheduledRunsRequest[];
  /** Missed runs already made that the catch-up rule drops. */
  skips: MissedRunsSkip[];
  /** Times up to this one are settled by the plan; runs ahead are made for times after it. */
  settledUntil: number;
}

/**
 * What happens, once when the server starts, to the runs its schedules missed while it was down:
 * the times more than LATE_AFTER_MS past that got no run, and the runs made for such times that
 * are still Scheduled. By each deployment's catch-up rule: `latest` keeps only its latest missed
 * run, `all` keeps them all (the latest SCHEDULE_HORIZON.maxRuns of each schedule), `none` none.
 * A schedule that never made a run has missed nothing. Times less than LATE_AFTER_MS past are not
 * missed: their runs are made as due now, so a quick restart loses none.
 */
export function planCatchUp(targets: readonly ScheduleTarget[], now: number): CatchUpPlan {
  const cutoff = now - LATE_AFTER_MS;
  const byDeployment = new Map<string, { catchUp: CatchUpRule; targets: ScheduleTarget[] }>();
  for (const target of targets) {
    const group = byDeployment.get(target.deploymentId) ?? { catchUp: target.catchUp, targets: [] };
    group.targets.push(target);
    byDeployment.set(target.deploymentId, group);
  }
  const plan: CatchUpPlan = { runs: [], skips: [], settledUntil: cutoff };
  for (const [deploymentId, group] of byDeployment) {
    const missed = (target: ScheduleTarget, max: number) =>
      target.lastScheduledTime === null ? [] : latestTimesBetween(target.schedule, target.lastScheduledTime, cutoff, max);
    if (group.catchUp === 'none') {
      plan.skips.push({ deploymentId, before: cutoff + 1, keepLatest: false });
    } else if (group.catchUp === 'all') {
      for (const target of group.targets) {
        const times = missed(target, SCHEDULE_HORIZON.maxRuns);
        if (times.length > 0) plan.runs.push({ deploymentId, scheduleId: target.scheduleId, times });
      }
    } else {
      let latest: ScheduledRunsRequest | null = null;
      for (const target of group.targets) {
        const [time] = missed(target, 1);
        if (time !== undefined && (latest === null || time > latest.times[0])) {
          latest = { deploymentId, scheduleId: target.scheduleId, times: [time] };
        }
      }
      if (latest) plan.runs.push(latest);
      // After the latest missed time is made, the runs older than it are dropped.
      plan.skips.push({ deploymentId, before: cutoff + 1, keepLatest: true });
    }
  }
  return plan;
}
