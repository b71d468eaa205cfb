import type Database from 'better-sqlite3';
import type { StateType } from '../../core/index.js';
import { NOT_READY, TERMINAL_STATE_TYPES } from '../../core/state-model.js';
import type { StateRow } from './rows.js';
import { sqlList } from './sql-list.js';

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

export type SqlValue = string | number | null;

/**
 * The columns a statement binds, in one list: its SQL and its positional parameters are both
 * made from it, so adding a column is one edit. Positional arguments, not named parameters: they
 * bind faster, and this is every transition's path.
 */
export interface ColumnList<Row> {
  readonly columns: readonly (keyof Row & string)[];
  /** Runs `statement` with the row's values as its parameters. */
  run(statement: Database.Statement, row: Row): Database.RunResult;
  /** The same, with the WHERE clause's one parameter after the row's. */
  runWhere(statement: Database.Statement, row: Row, key: SqlValue): Database.RunResult;
  /** The same, with the WHERE clause's two parameters after the row's. */
  runWhere2(statement: Database.Statement, row: Row, key: SqlValue, key2: SqlValue): Database.RunResult;
}

const COLUMN_NAME = /^[a-z_]+$/;

function columnList<Row extends { [Column in keyof Row]: SqlValue }>(columns: readonly (keyof Row & string)[]): ColumnList<Row> {
  for (const column of columns) {
    if (!COLUMN_NAME.test(column)) throw new Error(`'${column}' is not a column name`);
  }
  // Straight-line code made from the list once, on the path of every transition: statement calls
  // that pass the row's properties as arguments, which better-sqlite3 binds faster than an array.
  const properties = columns.map((column) => `row.${column}`).join(', ');
  /* eslint-disable @typescript-eslint/no-implied-eval -- the names are checked column names, and the straight line is the point */
  const run = new Function('statement', 'row', `return statement.run(${properties});`) as ColumnList<Row>['run'];
  const runWhere = new Function('statement', 'row', 'key', `return statement.run(${properties}, key);`) as ColumnList<Row>['runWhere'];
  const runWhere2 = new Function(
    'statement',
    'row',
    'key',
    'key2',
    `return statement.run(${properties}, key, key2);`,
  ) as ColumnList<Row>['runWhere2'];
  /* eslint-enable @typescript-eslint/no-implied-eval */
  return { columns, run, runWhere, runWhere2 };
}

function insertSql(table: string, list: ColumnList<never>, conflict = ''): string {
  return `INSERT ${conflict}INTO ${table} (${list.columns.join(', ')}) VALUES (${list.columns.map(() => '?').join(', ')})`;
}

export interface FlowRunInsert {
  id: string;
  flow_id: string;
  flow_name: string;
  name: string;
  state_type: StateType;
  state_name: string;
  state_id: number;
  parameters: string;
  tags: string;
  parent_flow_run_id: string | null;
  parent_task_run_id: string | null;
  entrypoint: string | null;
  run_count: number;
  retry_policy: string;
  created_at: number;
  start_time: number | null;
  end_time: number | null;
  heartbeat_at: number;
  pid: number | null;
  hostname: string | null;
  last_transition_id: string;
  rerun_of: string | null;
  rerun_from: string | null;
  code_ref: string | null;
}

export interface TaskRunInsert {
  id: string;
  flow_run_id: string;
  task_key: string;
  name: string;
  dynamic_key: number;
  state_type: StateType;
  state_name: string;
  state_id: number;
  tags: string;
  run_count: number;
  retry_policy: string;
  cache_key: string | null;
  inputs: string | null;
  upstream: string;
  created_at: number;
  start_time: number | null;
  end_time: number | null;
  last_transition_id: string;
  result: string | null;
  flow_run_attempt: number;
  reused_from: string | null;
}

export interface StateInsert {
  run_id: string;
  run_kind: string;
  type: StateType;
  name: string;
  timestamp: number;
  attempt: number;
  message: string | null;
  error: string | null;
  scheduled_time: number | null;
  transition_id: string;
  cache_key: string | null;
  result_ref: string | null;
  previous_id: number | null;
}

/** What an accepted transition sets on its run's row. A null `result` (or `cache_key`) keeps the stored one. */
export interface RunStateUpdate {
  state_type: StateType;
  state_name: string;
  state_id: number;
  run_count: number;
  start_time: number | null;
  end_time: number | null;
  last_transition_id: string;
  result: string | null;
}

export interface TaskRunStateUpdate extends RunStateUpdate {
  cache_key: string | null;
}

export const FLOW_RUN_INSERT = columnList<FlowRunInsert>([
  'id',
  'flow_id',
  'flow_name',
  'name',
  'state_type',
  'state_name',
  'state_id',
  'parameters',
  'tags',
  'parent_flow_run_id',
  'parent_task_run_id',
  'entrypoint',
  'run_count',
  'retry_policy',
  'created_at',
  'start_time',
  'end_time',
  'heartbeat_at',
  'pid',
  'hostname',
  'last_transition_id',
  'rerun_of',
  'rerun_from',
  'code_ref',
]);

export const TASK_RUN_INSERT = columnList<TaskRunInsert>([
  'id',
  'flow_run_id',
  'task_key',
  'name',
  'dynamic_key',
  'state_type',
  'state_name',
  'state_id',
  'tags',
  'run_count',
  'retry_policy',
  'cache_key',
  'inputs',
  'upstream',
  'created_at',
  'start_time',
  'end_time',
  'last_transition_id',
  'result',
  'flow_run_attempt',
  'reused_from',
]);

export const STATE_INSERT = columnList<StateInsert>([
  'run_id',
  'run_kind',
  'type',
  'name',
  'timestamp',
  'attempt',
  'message',
  'error',
  'scheduled_time',
  'transition_id',
  'cache_key',
  'result_ref',
  'previous_id',
]);

export const FLOW_RUN_STATE_UPDATE = columnList<RunStateUpdate>([
  'state_type',
  'state_name',
  'state_id',
  'run_count',
  'start_time',
  'end_time',
  'last_transition_id',
  'result',
]);

export const TASK_RUN_STATE_UPDATE = columnList<TaskRunStateUpdate>([...FLOW_RUN_STATE_UPDATE.columns, 'cache_key']);

/** Columns an update sets only when given a value, keeping the stored one otherwise. */
const KEPT_WHEN_NULL = new Set(['result', 'cache_key']);

/** `UPDATE table SET ...` for the columns in the list, their parameters first and the WHERE's after. */
function updateSql(table: string, list: ColumnList<never>, where: string): string {
  const sets = list.columns.map((column) => (KEPT_WHEN_NULL.has(column) ? `${column} = COALESCE(?, ${column})` : `${column} = ?`));
  return `UPDATE ${table} SET ${sets.join(', ')} WHERE ${where}`;
}

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
  rollback: Database.Statement;
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
    flowRunWide: db.prepare<[string], { tags: string; retry_policy: string }>('SELECT tags, retry_policy FROM flow_runs WHERE id = ?'),
    taskRunWide: db.prepare<[string], { tags: string; retry_policy: string }>('SELECT tags, retry_policy FROM task_runs WHERE id = ?'),
    stateById: db.prepare<[number], StateRow>('SELECT * FROM states WHERE id = ?'),
    taskRunExists: db.prepare<[string], { found: number }>('SELECT 1 AS found FROM task_runs WHERE id = ?'),
    updateTaskRunStateIfUnchanged: db.prepare(updateSql('task_runs', TASK_RUN_STATE_UPDATE, 'id = ? AND state_id = ?')),
    deleteState: db.prepare('DELETE FROM states WHERE id = ?'),
    flowRunStateType: db.prepare<[string], { state_type: StateType }>('SELECT state_type FROM flow_runs WHERE id = ?'),
    unfinishedTaskRuns: db.prepare<[string], { id: string }>(
      `SELECT id FROM task_runs WHERE flow_run_id = ? AND state_type NOT IN ${sqlList(TERMINAL_STATE_TYPES)}
         AND NOT (state_type = 'PENDING' AND state_name = '${NOT_READY}')`,
    ),
    totalChanges: db.prepare<[], number>('SELECT total_changes()').pluck(),
    insertFlow: db.prepare('INSERT OR IGNORE INTO flows (id, name, created_at) VALUES (?, ?, ?)'),
    flowIdByName: db.prepare<[string], { id: string }>('SELECT id FROM flows WHERE name = ?'),
    insertState: db.prepare(insertSql('states', STATE_INSERT)),
    insertFlowRun: db.prepare(insertSql('flow_runs', FLOW_RUN_INSERT)),
    insertTaskRun: db.prepare(insertSql('task_runs', TASK_RUN_INSERT, 'OR IGNORE ')),
    updateFlowRunState: db.prepare(updateSql('flow_runs', FLOW_RUN_STATE_UPDATE, 'id = ?')),
    updateTaskRunState: db.prepare(updateSql('task_runs', TASK_RUN_STATE_UPDATE, 'id = ?')),
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
    rollback: db.prepare('ROLLBACK'),
  };
}
