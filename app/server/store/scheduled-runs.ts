import type Database from 'better-sqlite3';
import type { CatchUpRule } from '../../core/api/deployments.js';
import { newId } from '../../core/ids.js';
import type { Schedule } from '../../core/schedules/index.js';
import type { DeploymentRecords } from './deployment-records.js';
import type { DeploymentRow, ScheduleRow } from './deployment-rows.js';
import { LATE_NAME, SCHEDULED_NAME } from './deployment-run-states.js';
import type { ScheduledRunsRequest, ScheduleTarget } from './deployment-store.js';
import type { TransitionWriter } from './transition-writer.js';

/** The key that makes a schedule's run for one time once only, also across restarts. */
export function scheduleRunKey(scheduleId: string, time: number): string {
  return `schedule:${scheduleId}:${time}`;
}

/** What a catch-up rule does with missed runs, in words for the message of those it skips. */
const CATCH_UP_WORDS: Record<CatchUpRule, string> = {
  latest: "catch-up rule 'latest' runs only the latest missed run",
  all: "catch-up rule 'all' runs every missed run",
  none: "catch-up rule 'none' runs none of them",
};

/** The scheduler's reads and writes: which schedules make runs, the runs they make, missed and late runs. */
export class ScheduledRuns {
  private readonly stmt;

  constructor(
    db: Database.Database,
    private readonly now: () => number,
    private readonly writer: TransitionWriter,
    private readonly deployments: DeploymentRecords,
    /** Told when runs may have become claimable (runs made). */
    private readonly changed: () => void,
  ) {
    this.stmt = {
      targets: db.prepare<[number], ScheduleRow & { parameters: string; catch_up: string; future_runs: number }>(
        `SELECT s.*, d.parameters, d.catch_up,
           (SELECT COUNT(*) FROM flow_runs r WHERE r.schedule_id = s.id AND r.state_type = 'SCHEDULED' AND r.expected_start_time > ?) AS future_runs
         FROM deployment_schedules s JOIN deployments d ON d.id = s.deployment_id
         WHERE s.active = 1 AND d.paused = 0 ORDER BY d.flow_name, d.name, s.position`,
      ),
      schedule: db.prepare<[string], ScheduleRow>('SELECT * FROM deployment_schedules WHERE id = ?'),
      runByKey: db.prepare<[string, string], { id: string }>('SELECT id FROM flow_runs WHERE deployment_id = ? AND idempotency_key = ?'),
      setLastTime: db.prepare(
        'UPDATE deployment_schedules SET last_scheduled_time = MAX(COALESCE(last_scheduled_time, @time), @time) WHERE id = @id',
      ),
      missed: db.prepare<[string, number], { id: string; expected_start_time: number }>(
        `SELECT id, expected_start_time FROM flow_runs
         WHERE deployment_id = ? AND state_type = 'SCHEDULED' AND state_name IN ('${SCHEDULED_NAME}', '${LATE_NAME}')
           AND schedule_id IS NOT NULL AND start_time IS NULL AND expected_start_time < ?
         ORDER BY expected_start_time, id`,
      ),
      late: db.prepare<[number], { id: string; expected_start_time: number }>(
        `SELECT id, expected_start_time FROM flow_runs
         WHERE deployment_id IS NOT NULL AND state_type = 'SCHEDULED' AND state_name = '${SCHEDULED_NAME}' AND expected_start_time < ?`,
      ),
    };
  }

  listScheduleTargets(): ScheduleTarget[] {
    return this.stmt.targets.all(this.now()).map((row) => {
      const schedule = JSON.parse(row.definition) as Schedule;
      return {
        deploymentId: row.deployment_id,
        scheduleId: row.id,
        schedule,
        parameters: { ...(JSON.parse(row.parameters) as Record<string, unknown>), ...(schedule.parameters ?? {}) },
        catchUp: row.catch_up as CatchUpRule,
        lastScheduledTime: row.last_scheduled_time,
        futureRuns: row.future_runs,
      };
    });
  }

  /** Makes each schedule's runs at the times asked, skipping a time it made a run for already; answers how many it made. */
  scheduleRuns(requests: readonly ScheduledRunsRequest[]): number {
    const made = this.writer.writeBatch(() => {
      let count = 0;
      for (const request of requests) {
        // The deployment or the schedule may have gone, changed or been paused since the scheduler read them.
        const deployment = this.deployments.deploymentRow(request.deploymentId);
        const schedule = this.stmt.schedule.get(request.scheduleId);
        if (!deployment || deployment.paused || !schedule || schedule.deployment_id !== deployment.id || request.times.length === 0) continue;
        count += this.makeRuns(deployment, schedule, request.times);
        this.stmt.setLastTime.run({ time: Math.max(...request.times), id: schedule.id });
      }
      return count;
    });
    if (made > 0) this.changed();
    return made;
  }

  private makeRuns(deployment: DeploymentRow, schedule: ScheduleRow, times: readonly number[]): number {
    const definition = JSON.parse(schedule.definition) as Schedule;
    const parameters = { ...(JSON.parse(deployment.parameters) as Record<string, unknown>), ...(definition.parameters ?? {}) };
    let count = 0;
    for (const time of times) {
      const key = scheduleRunKey(schedule.id, time);
      if (this.stmt.runByKey.get(deployment.id, key)) continue;
      this.deployments.makeRun(deployment, { parameters, tags: [], scheduledTime: time, idempotencyKey: key, scheduleId: schedule.id });
      count++;
    }
    return count;
  }

  /** Cancels the deployment's scheduled runs due before `before`, all or all but the latest; answers how many. */
  skipMissedRuns(deploymentId: string, before: number, keepLatest: boolean): number {
    return this.writer.writeBatch(() => {
      const deployment = this.deployments.deploymentRow(deploymentId);
      if (!deployment) return 0;
      const missed = this.stmt.missed.all(deploymentId, before);
      if (keepLatest) missed.pop();
      const message = `missed while the server was down; the deployment's ${CATCH_UP_WORDS[deployment.catch_up as CatchUpRule] ?? `catch-up rule '${deployment.catch_up}'`}`;
      let count = 0;
      for (const run of missed) {
        const result = this.writer.applySetState({
          kind: 'flow',
          runId: run.id,
          transitionId: newId(),
          state: { type: 'CANCELLED', name: 'Cancelled', message },
        });
        if (result.status === 'ACCEPT') count++;
      }
      return count;
    });
  }

  /** Renames Late the deployment runs still Scheduled more than `lateAfterMs` after their time; answers how many. */
  markLateRuns(lateAfterMs: number): number {
    const lateBefore = this.now() - lateAfterMs;
    if (this.stmt.late.all(lateBefore).length === 0) return 0;
    return this.writer.writeBatch(() => {
      let count = 0;
      for (const run of this.stmt.late.all(lateBefore)) {
        const result = this.writer.applySetState({
          kind: 'flow',
          runId: run.id,
          transitionId: newId(),
          state: {
            type: 'SCHEDULED',
            name: LATE_NAME,
            scheduledTime: run.expected_start_time,
            message: `not started ${Math.round(lateAfterMs / 1000)} s after its time`,
          },
        });
        if (result.status === 'ACCEPT') count++;
      }
      return count;
    });
  }
}
