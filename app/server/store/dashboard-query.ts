import type Database from 'better-sqlite3';
import type { Dashboard, WaitingRun } from '../../core/api/dashboard.js';
import { emptyStateCounts, STATE_TYPES, TERMINAL_STATE_TYPES, type StateType } from '../../core/state-model.js';
import type { FlowRun } from '../../core/runs.js';
import { LATE_NAME, SCHEDULED_NAME } from './deployment-run-states.js';
import { sqlList } from './sql-list.js';

/** How many upcoming and late runs the dashboard lists. */
const WAITING_SHOWN = 10;

interface WaitingRunRow {
  id: string;
  name: string;
  flow_name: string;
  deployment_id: string;
  deployment_name: string | null;
  state_type: StateType;
  state_name: string;
  expected_start_time: number;
}

function waitingRunFromRow(row: WaitingRunRow): WaitingRun {
  return {
    id: row.id,
    name: row.name,
    flowName: row.flow_name,
    deploymentId: row.deployment_id,
    deploymentName: `${row.flow_name}/${row.deployment_name ?? ''}`,
    state: { type: row.state_type, name: row.state_name },
    expectedStartTime: row.expected_start_time,
  };
}

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
  private readonly waiting;
  private readonly lateCount;

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
    // Deployment runs waiting to start, soonest (or longest waiting) first: ix_flow_runs_waiting.
    this.waiting = db.prepare<[string, number], WaitingRunRow>(
      `SELECT id, name, flow_name, deployment_id, deployment_name, state_type, state_name, expected_start_time FROM flow_runs
       WHERE deployment_id IS NOT NULL AND state_type = 'SCHEDULED' AND state_name = ? AND expected_start_time IS NOT NULL
       ORDER BY expected_start_time, id LIMIT ?`,
    );
    this.lateCount = db.prepare<[], { n: number }>(
      `SELECT COUNT(*) AS n FROM flow_runs WHERE deployment_id IS NOT NULL AND state_type = 'SCHEDULED' AND state_name = '${LATE_NAME}'`,
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
      upcoming: this.waiting.all(SCHEDULED_NAME, WAITING_SHOWN).map(waitingRunFromRow),
      late: this.waiting.all(LATE_NAME, WAITING_SHOWN).map(waitingRunFromRow),
      lateCount: this.lateCount.get()!.n,
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
