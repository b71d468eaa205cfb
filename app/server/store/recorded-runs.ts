import type Database from 'better-sqlite3';
import type { RecordedRuns, RecordedTaskRun, RerunSummary, StateType } from '../../core/index.js';

interface RecordedRow {
  id: string;
  name: string;
  task_key: string;
  dynamic_key: number;
  flow_run_attempt: number;
  state_type: string;
  state_name: string;
  result_ref: string | null;
  reused_from: string | null;
  upstream: string;
}

/** The most runs made from one run's task runs that its read lists. */
const RERUNS_LISTED = 20;

/**
 * What a re-run matches its calls against: every task run of a flow run with where its result
 * lies, in two reads however many task runs there are, and the runs made from a run's task runs.
 */
export class RecordedRunsQuery {
  private readonly flowRun: Database.Statement<[string], { flow_name: string; hostname: string | null; run_count: number }>;
  private readonly taskRuns: Database.Statement<[string], RecordedRow>;
  private readonly children: Database.Statement<[string], { id: string; parent_task_run_id: string | null }>;
  private readonly reruns: Database.Statement<
    [string, number],
    { id: string; name: string; state_type: string; state_name: string; rerun_from: string; created_at: number }
  >;

  constructor(db: Database.Database) {
    this.flowRun = db.prepare('SELECT flow_name, hostname, run_count FROM flow_runs WHERE id = ?');
    this.taskRuns = db.prepare(
      `SELECT t.id, t.name, t.task_key, t.dynamic_key, t.flow_run_attempt, t.state_type, t.state_name, s.result_ref,
              t.reused_from, t.upstream
         FROM task_runs t JOIN states s ON s.id = t.state_id
        WHERE t.flow_run_id = ?
        ORDER BY t.created_at, t.id`,
    );
    // A subflow call's task run is its child's parent_task_run_id.
    this.children = db.prepare('SELECT id, parent_task_run_id FROM flow_runs WHERE parent_flow_run_id = ?');
    this.reruns = db.prepare(
      `SELECT id, name, state_type, state_name, rerun_from, created_at FROM flow_runs
        WHERE rerun_of = ? ORDER BY created_at DESC, id DESC LIMIT ?`,
    );
  }

  recordedRuns(flowRunId: string): RecordedRuns | null {
    const run = this.flowRun.get(flowRunId);
    if (!run) return null;
    const children = new Map<string, string>();
    for (const child of this.children.all(flowRunId)) if (child.parent_task_run_id) children.set(child.parent_task_run_id, child.id);
    const taskRuns: RecordedTaskRun[] = this.taskRuns.all(flowRunId).map((row) => ({
      id: row.id,
      name: row.name,
      taskKey: row.task_key,
      dynamicKey: row.dynamic_key,
      flowRunAttempt: row.flow_run_attempt,
      stateType: row.state_type,
      stateName: row.state_name,
      resultRef: row.result_ref,
      reusedFrom: row.reused_from,
      upstream: row.upstream === '[]' ? [] : (JSON.parse(row.upstream) as string[]),
      childFlowRunId: children.get(row.id) ?? null,
    }));
    return { flowRunId, flowName: run.flow_name, hostname: run.hostname, runCount: run.run_count, taskRuns };
  }

  rerunsOf(flowRunId: string): RerunSummary[] {
    return this.reruns.all(flowRunId, RERUNS_LISTED).map((row) => ({
      id: row.id,
      name: row.name,
      state: { type: row.state_type as StateType, name: row.state_name },
      fromTaskRunId: row.rerun_from,
      createdAt: row.created_at,
    }));
  }
}
