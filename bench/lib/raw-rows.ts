/**
 * Raw better-sqlite3 writes of the rows the store writes for a run, with the store's own SQL and
 * prepared statements but none of its logic: no orchestration rules, no reads, no savepoints.
 * The floors are built from these.
 */
import { hostname } from 'node:os';
import type Database from 'better-sqlite3';
import { newId } from '../../app/core/index.js';

const SQL = {
  insertFlow: 'INSERT OR IGNORE INTO flows (id, name, created_at) VALUES (?, ?, ?)',
  insertState: `INSERT INTO states (run_id, run_kind, type, name, timestamp, attempt, message, error, scheduled_time,
                       transition_id, cache_key, result_ref, previous_id)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  insertFlowRun: `INSERT INTO flow_runs (id, flow_id, flow_name, name, state_type, state_name, state_id, parameters,
                          tags, parent_flow_run_id, parent_task_run_id, entrypoint, run_count, retry_policy,
                          created_at, start_time, end_time, heartbeat_at, pid, hostname, last_transition_id)
                  VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  insertTaskRun: `INSERT INTO task_runs (id, flow_run_id, task_key, name, dynamic_key, state_type, state_name, state_id,
                          tags, run_count, retry_policy, cache_key, inputs, upstream, created_at, start_time,
                          end_time, last_transition_id, result)
                  VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  updateFlowRunState: `UPDATE flow_runs SET state_type = ?, state_name = ?, state_id = ?, run_count = ?, start_time = ?,
                        end_time = ?, last_transition_id = ?, result = COALESCE(?, result) WHERE id = ?`,
  updateTaskRunState: `UPDATE task_runs SET state_type = ?, state_name = ?, state_id = ?, run_count = ?, start_time = ?,
                        end_time = ?, last_transition_id = ?, result = COALESCE(?, result),
                        cache_key = COALESCE(?, cache_key) WHERE id = ?`,
  insertLog: `INSERT INTO logs (flow_run_id, task_run_id, level, message, timestamp, attempt, logger)
              VALUES (?, ?, ?, ?, ?, ?, ?)`,
} as const;

const NO_RETRIES = JSON.stringify({ retries: 0, retryDelaySeconds: [0] });
const HOST = hostname();

/** A run's row as the floor tracks it between transitions, like the store's run row. */
export interface RawRun {
  id: string;
  runCount: number;
  startTime: number | null;
  /** The run's latest state row, which its next state points back to. */
  stateId: number | null;
}

/**
 * Ids made before the clock starts: the floor is the cost of writing the rows, and the ids are
 * part of the rows, not of writing them.
 */
export class IdPool {
  private readonly ids: string[];
  private next = 0;

  constructor(count: number) {
    this.ids = Array.from({ length: count }, () => newId());
  }

  take(): string {
    const id = this.ids[this.next++];
    if (id === undefined) throw new Error('the id pool ran dry; make it larger');
    return id;
  }
}

/** Ids a flow run of `tasks` task runs takes: four per task run, a few for the flow run. */
export function idsFor(tasks: number): number {
  return 4 * tasks + 8;
}

export class RawRows {
  private readonly stmt;

  constructor(
    db: Database.Database,
    private readonly ids: IdPool,
  ) {
    this.stmt = {
      insertFlow: db.prepare(SQL.insertFlow),
      insertState: db.prepare(SQL.insertState),
      insertFlowRun: db.prepare(SQL.insertFlowRun),
      insertTaskRun: db.prepare(SQL.insertTaskRun),
      updateFlowRunState: db.prepare(SQL.updateFlowRunState),
      updateTaskRunState: db.prepare(SQL.updateTaskRunState),
      insertLog: db.prepare(SQL.insertLog),
    };
  }

  /** A state row; returns its id. */
  private state(
    runId: string,
    kind: 'flow' | 'task',
    type: string,
    name: string,
    attempt: number,
    now: number,
    transitionId: string,
    previousId: number | null = null,
  ) {
    const id = Number(
      this.stmt.insertState.run(runId, kind, type, name, now, attempt, null, null, null, transitionId, null, null, previousId).lastInsertRowid,
    );
    return { id };
  }

  /** The flow (first time), its run row and its Pending state. */
  createFlowRun(flowName: string, runName: string): RawRun {
    const now = Date.now();
    const id = this.ids.take();
    const transitionId = this.ids.take();
    const flowId = this.ids.take();
    this.stmt.insertFlow.run(flowId, flowName, now);
    const state = this.state(id, 'flow', 'PENDING', 'Pending', 1, now, transitionId);
    this.stmt.insertFlowRun.run(
      id,
      flowId,
      flowName,
      runName,
      'PENDING',
      'Pending',
      state.id,
      '{}',
      '[]',
      null,
      null,
      null,
      0,
      NO_RETRIES,
      now,
      null,
      null,
      now,
      process.pid,
      HOST,
      transitionId,
    );
    return { id, runCount: 0, startTime: null, stateId: state.id };
  }

  /** A task run row and its Pending state. */
  createTaskRun(flowRunId: string, taskKey: string, dynamicKey: number, inputs: string | null): RawRun {
    const now = Date.now();
    const id = this.ids.take();
    const transitionId = this.ids.take();
    const state = this.state(id, 'task', 'PENDING', 'Pending', 1, now, transitionId);
    this.stmt.insertTaskRun.run(
      id,
      flowRunId,
      taskKey,
      `${taskKey}-${dynamicKey}`,
      dynamicKey,
      'PENDING',
      'Pending',
      state.id,
      '[]',
      0,
      NO_RETRIES,
      null,
      inputs,
      '[]',
      now,
      null,
      null,
      transitionId,
      null,
    );
    return { id, runCount: 0, startTime: null, stateId: state.id };
  }

  /**
   * A task run created and started in the same transaction: its Pending and Running states, and
   * its row written once, already Running, as the store writes it.
   */
  createRunningTaskRun(flowRunId: string, taskKey: string, dynamicKey: number, inputs: string | null): RawRun {
    const now = Date.now();
    const id = this.ids.take();
    const pending = this.state(id, 'task', 'PENDING', 'Pending', 1, now, this.ids.take());
    const transitionId = this.ids.take();
    const running = this.state(id, 'task', 'RUNNING', 'Running', 1, now, transitionId, pending.id);
    this.stmt.insertTaskRun.run(
      id,
      flowRunId,
      taskKey,
      `${taskKey}-${dynamicKey}`,
      dynamicKey,
      'RUNNING',
      'Running',
      running.id,
      '[]',
      1,
      NO_RETRIES,
      null,
      inputs,
      '[]',
      now,
      now,
      null,
      transitionId,
      null,
    );
    return { id, runCount: 1, startTime: now, stateId: running.id };
  }

  /** A transition: the state row and the run row's update, as the store writes them. */
  transition(kind: 'flow' | 'task', run: RawRun, type: 'RUNNING' | 'COMPLETED', name: string, result: string | null): void {
    const now = Date.now();
    const transitionId = this.ids.take();
    if (type === 'RUNNING') {
      run.runCount++;
      run.startTime ??= now;
    }
    const state = this.state(run.id, kind, type, name, Math.max(1, run.runCount), now, transitionId, run.stateId);
    run.stateId = state.id;
    const endTime = type === 'COMPLETED' ? now : null;
    const common = [type, name, state.id, run.runCount, run.startTime, endTime, transitionId, result] as const;
    if (kind === 'flow') this.stmt.updateFlowRunState.run(...common, run.id);
    else this.stmt.updateTaskRunState.run(...common, null, run.id);
  }

  log(flowRunId: string, taskRunId: string | null, message: string, attempt = 1): void {
    this.stmt.insertLog.run(flowRunId, taskRunId, 20, message, Date.now(), attempt, 'task');
  }
}
