import type Database from 'better-sqlite3';
import { NOT_READY, type StateType } from '../../core/index.js';
import type { StateRow } from './rows.js';

/** What a transition needs of a run's row. The wide columns are read only when no cache has them. */
export interface RunCurrentRow {
  state_id: number;
  run_count: number;
  start_time: number | null;
  end_time: number | null;
  last_transition_id: string | null;
  flow_run_id: string;
  tags?: string;
  retry_policy?: string;
}

/** Positions in an insertTaskRun row of what a transition changes. */
export const TASK_ROW = { stateType: 5, stateName: 6, stateId: 7, runCount: 9, cacheKey: 11, startTime: 15, endTime: 16, lastTransitionId: 17, result: 18 } as const;

/** The SQL a transition runs, prepared once per store. */
export interface TransitionStatements {
  flowRunCurrent: Database.Statement<[string], RunCurrentRow>;
  taskRunCurrent: Database.Statement<[string], RunCurrentRow>;
  stateInHistory: Database.Statement<[number, string], StateRow>;
  flowRunWide: Database.Statement<[string], { tags: string; retry_policy: string }>;
  taskRunWide: Database.Statement<[string], { tags: string; retry_policy: string }>;
  stateById: Database.Statement<[number], StateRow>;
  taskRunExists: Database.Statement<[string], { found: number }>;
  updateTaskRunStateIfUnchanged: Database.Statement;
  deleteState: Database.Statement;
  flowRunStateType: Database.Statement<[string], { state_type: StateType }>;
  unfinishedTaskRuns: Database.Statement<[string], { id: string }>;
  totalChanges: Database.Statement<[], number>;
  insertFlow: Database.Statement;
  flowIdByName: Database.Statement<[string], { id: string }>;
  insertState: Database.Statement;
  insertFlowRun: Database.Statement;
  insertTaskRun: Database.Statement;
  updateFlowRunState: Database.Statement;
  updateTaskRunState: Database.Statement;
  claimFlowRun: Database.Statement;
  findCache: Database.Statement<[string], { result_ref: string; task_run_id: string; expires_at: number | null }>;
  putCache: Database.Statement;
  savepoint: Database.Statement;
  release: Database.Statement;
  rollbackTo: Database.Statement;
}

/** Prepares them on the store's connection, once: preparing is the costly part of a statement. */
export function prepareTransitionStatements(db: Database.Database): TransitionStatements {
  return {
    flowRunCurrent: db.prepare<[string], RunCurrentRow>(
      `SELECT state_id, run_count, start_time, end_time, last_transition_id, id AS flow_run_id
       FROM flow_runs WHERE id = ?`,
    ),
    taskRunCurrent: db.prepare<[string], RunCurrentRow>(
      `SELECT state_id, run_count, start_time, end_time, last_transition_id, flow_run_id
       FROM task_runs WHERE id = ?`,
    ),
    // A run's history is a short chain from its current state; a replayed transition is looked
    // for along it rather than through an index every transition would pay for.
    stateInHistory: db.prepare<[number, string], StateRow>(
      `WITH RECURSIVE chain(id) AS (
         SELECT ? UNION ALL SELECT states.previous_id FROM states JOIN chain ON states.id = chain.id
           WHERE states.previous_id IS NOT NULL)
       SELECT states.* FROM states JOIN chain ON states.id = chain.id WHERE states.transition_id = ? LIMIT 1`,
    ),
    flowRunWide: db.prepare<[string], { tags: string; retry_policy: string }>(
      'SELECT tags, retry_policy FROM flow_runs WHERE id = ?',
    ),
    taskRunWide: db.prepare<[string], { tags: string; retry_policy: string }>(
      'SELECT tags, retry_policy FROM task_runs WHERE id = ?',
    ),
    stateById: db.prepare<[number], StateRow>('SELECT * FROM states WHERE id = ?'),
    taskRunExists: db.prepare<[string], { found: number }>('SELECT 1 AS found FROM task_runs WHERE id = ?'),
    updateTaskRunStateIfUnchanged: db.prepare(
      `UPDATE task_runs SET state_type = ?, state_name = ?, state_id = ?, run_count = ?, start_time = ?,
                            end_time = ?, last_transition_id = ?, result = COALESCE(?, result),
                            cache_key = COALESCE(?, cache_key) WHERE id = ? AND state_id = ?`,
    ),
    deleteState: db.prepare('DELETE FROM states WHERE id = ?'),
    flowRunStateType: db.prepare<[string], { state_type: StateType }>(
      'SELECT state_type FROM flow_runs WHERE id = ?',
    ),
    unfinishedTaskRuns: db.prepare<[string], { id: string }>(
      `SELECT id FROM task_runs WHERE flow_run_id = ? AND state_type NOT IN ('COMPLETED', 'FAILED', 'CRASHED', 'CANCELLED')
         AND NOT (state_type = 'PENDING' AND state_name = '${NOT_READY}')`,
    ),
    totalChanges: db.prepare<[], number>('SELECT total_changes()').pluck(),
    insertFlow: db.prepare('INSERT OR IGNORE INTO flows (id, name, created_at) VALUES (?, ?, ?)'),
    flowIdByName: db.prepare<[string], { id: string }>('SELECT id FROM flows WHERE name = ?'),
    insertState: db.prepare(
      `INSERT INTO states (run_id, run_kind, type, name, timestamp, attempt, message, error, scheduled_time,
                           transition_id, cache_key, result_ref, previous_id)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ),
    insertFlowRun: db.prepare(
      `INSERT INTO flow_runs (id, flow_id, flow_name, name, state_type, state_name, state_id, parameters,
                              tags, parent_flow_run_id, parent_task_run_id, entrypoint, run_count, retry_policy,
                              created_at, start_time, end_time, heartbeat_at, pid, hostname, last_transition_id)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ),
    insertTaskRun: db.prepare(
      `INSERT OR IGNORE INTO task_runs (id, flow_run_id, task_key, name, dynamic_key, state_type, state_name,
                              state_id, tags, run_count, retry_policy, cache_key, inputs, upstream, created_at,
                              start_time, end_time, last_transition_id, result)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ),
    updateFlowRunState: db.prepare(
      `UPDATE flow_runs SET state_type = ?, state_name = ?, state_id = ?, run_count = ?, start_time = ?,
                            end_time = ?, last_transition_id = ?, result = COALESCE(?, result) WHERE id = ?`,
    ),
    updateTaskRunState: db.prepare(
      `UPDATE task_runs SET state_type = ?, state_name = ?, state_id = ?, run_count = ?, start_time = ?,
                            end_time = ?, last_transition_id = ?, result = COALESCE(?, result),
                            cache_key = COALESCE(?, cache_key) WHERE id = ?`,
    ),
    claimFlowRun: db.prepare('UPDATE flow_runs SET pid = ?, hostname = ?, heartbeat_at = ? WHERE id = ?'),
    findCache: db.prepare<[string], { result_ref: string; task_run_id: string; expires_at: number | null }>(
      'SELECT result_ref, task_run_id, expires_at FROM cache_entries WHERE cache_key = ?',
    ),
    putCache: db.prepare(
      `INSERT INTO cache_entries (cache_key, result_ref, task_run_id, created_at, expires_at) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (cache_key) DO UPDATE SET result_ref = excluded.result_ref, task_run_id = excluded.task_run_id,
         created_at = excluded.created_at, expires_at = excluded.expires_at`,
    ),
    savepoint: db.prepare('SAVEPOINT transition'),
    release: db.prepare('RELEASE transition'),
    rollbackTo: db.prepare('ROLLBACK TO transition'),
  };
}
