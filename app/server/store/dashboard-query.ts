import type Database from 'better-sqlite3';
import type { Dashboard } from '../../core/api/dashboard.js';
import { emptyStateCounts, STATE_TYPES, TERMINAL_STATE_TYPES, type StateType } from '../../core/state-model.js';
import type { FlowRun } from '../../core/runs.js';
import { sqlList } from './sql-list.js';

const RUNNING_TYPES: readonly StateType[] = ['RUNNING', 'CANCELLING', 'PAUSED'];
/** What the dashboard counts as failed; a cancelled run is over but did not fail. */
const FAILED_TYPES: readonly StateType[] = ['FAILED', 'CRASHED'];
const KNOWN = new Set<string>(STATE_TYPES);

/**
 * The dashboard's figures in a few indexed queries: counts by slice of time and state, per flow
 * success, what runs now and what failed lately. Runs are counted by when they were created.
 */
export class DashboardQuery {
  private readonly buckets;
  private readonly perFlow;
  private readonly running;
  private readonly failures;

  constructor(
    db: Database.Database,
    /** The store's own read of one run, so a run reads the same here as everywhere. */
    private readonly getFlowRun: (id: string) => FlowRun | null,
  ) {
    this.buckets = db.prepare<[number, number, number, number], { bucket: number; state_type: string; n: number }>(
      `SELECT (created_at - ?) / ? AS bucket, state_type, COUNT(*) AS n FROM flow_runs
       WHERE created_at >= ? AND created_at <= ? GROUP BY bucket, state_type`,
    );
    this.perFlow = db.prepare<[number, number], { flow_name: string; runs: number; completed: number; failed: number; over: number }>(
      `SELECT flow_name, COUNT(*) AS runs,
              SUM(state_type = 'COMPLETED') AS completed,
              SUM(state_type IN ${sqlList(FAILED_TYPES)}) AS failed,
              SUM(state_type IN ${sqlList(TERMINAL_STATE_TYPES)}) AS over
       FROM flow_runs WHERE created_at >= ? AND created_at <= ?
       GROUP BY flow_name ORDER BY runs DESC, flow_name LIMIT 100`,
    );
    this.running = db.prepare<[], { id: string }>(
      `SELECT id FROM flow_runs WHERE state_type IN ${sqlList(RUNNING_TYPES)} ORDER BY created_at DESC, id DESC LIMIT 20`,
    );
    this.failures = db.prepare<[number], { id: string }>(
      `SELECT id FROM flow_runs WHERE state_type IN ${sqlList(FAILED_TYPES)} AND created_at >= ? ORDER BY created_at DESC, id DESC LIMIT 10`,
    );
  }

  private runs(rows: { id: string }[]): FlowRun[] {
    return rows.map((row) => this.getFlowRun(row.id)).filter((run): run is FlowRun => run !== null);
  }

  read(query: { hours: number; buckets: number }, now: number): Dashboard {
    const span = query.hours * 3_600_000;
    const bucketMs = Math.ceil(span / query.buckets);
    const since = now - bucketMs * query.buckets;
    const buckets = Array.from({ length: query.buckets }, (_, i) => ({ start: since + i * bucketMs, counts: emptyStateCounts() }));
    const totals = emptyStateCounts();
    for (const row of this.buckets.all(since, bucketMs, since, now)) {
      if (!KNOWN.has(row.state_type)) continue;
      const type = row.state_type as StateType;
      const bucket = buckets[Math.min(query.buckets - 1, Math.max(0, Math.floor(row.bucket)))];
      bucket.counts[type] += row.n;
      totals[type] += row.n;
    }
    return {
      since,
      until: now,
      bucketMs,
      buckets,
      totals,
      running: this.runs(this.running.all()),
      recentFailures: this.runs(this.failures.all(since)),
      // Filled from deployments' runs by the deployment store.
      upcoming: [],
      late: [],
      lateCount: 0,
      flows: this.perFlow.all(since, now).map((row) => ({
        flowName: row.flow_name,
        runs: row.runs,
        completed: row.completed,
        failed: row.failed,
        successRate: row.over > 0 ? row.completed / row.over : null,
      })),
    };
  }
}
