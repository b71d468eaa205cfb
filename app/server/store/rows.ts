import type { ConcurrencyLimit, FlowRun, FlowRunSummary, RetryPolicy, State, StoredLog, TaskRun } from '../../core/index.js';

/** The current state's columns, joined from the states table. */
interface JoinedStateColumns {
  st_type: string;
  st_name: string;
  st_timestamp: number;
  st_attempt: number;
  st_message: string | null;
  st_error: string | null;
  st_scheduled_time: number | null;
  st_transition_id: string | null;
  st_cache_key: string | null;
  st_result_ref: string | null;
}

export interface FlowRunRow extends JoinedStateColumns {
  id: string;
  flow_id: string;
  flow_name: string;
  name: string;
  state_type: string;
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
  heartbeat_at: number | null;
  pid: number | null;
  hostname: string | null;
  result: string | null;
  last_transition_id: string | null;
  rerun_of: string | null;
  rerun_from: string | null;
  code_ref: string | null;
  deployment_id: string | null;
  deployment_name: string | null;
  work_pool: string | null;
  work_queue: string | null;
  worker_name: string | null;
  expected_start_time: number | null;
  auto_scheduled: number;
}

export interface TaskRunRow extends JoinedStateColumns {
  id: string;
  flow_run_id: string;
  task_key: string;
  name: string;
  dynamic_key: number;
  state_type: string;
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
  result: string | null;
  last_transition_id: string | null;
  flow_run_attempt: number;
  reused_from: string | null;
}

export interface StateRow {
  id: number;
  run_id: string;
  run_kind: string;
  type: string;
  name: string;
  timestamp: number;
  attempt: number;
  message: string | null;
  error: string | null;
  scheduled_time: number | null;
  transition_id: string | null;
  cache_key: string | null;
  result_ref: string | null;
}

export interface LogRow {
  id: number;
  flow_run_id: string;
  task_run_id: string | null;
  level: number;
  message: string;
  timestamp: number;
  attempt: number;
  logger: string | null;
}

function joinedState(row: JoinedStateColumns): State {
  return stateFromRow({
    id: 0,
    run_id: '',
    run_kind: '',
    type: row.st_type,
    name: row.st_name,
    timestamp: row.st_timestamp,
    attempt: row.st_attempt,
    message: row.st_message,
    error: row.st_error,
    scheduled_time: row.st_scheduled_time,
    transition_id: row.st_transition_id,
    cache_key: row.st_cache_key,
    result_ref: row.st_result_ref,
  });
}

export function flowRunFromRow(row: FlowRunRow): FlowRun {
  return { ...flowRunSummaryFromRow(row), parameters: JSON.parse(row.parameters) as Record<string, unknown> };
}

/** The fields a deployment's run carries; a run started by hand has none of them. */
function deploymentFields(row: Omit<FlowRunRow, 'parameters'>): Partial<FlowRunSummary> {
  if (row.deployment_id === null) return {};
  return {
    deploymentId: row.deployment_id,
    deploymentName: row.deployment_name === null ? null : `${row.flow_name}/${row.deployment_name}`,
    workPool: row.work_pool,
    workQueue: row.work_queue,
    workerName: row.worker_name,
    expectedStartTime: row.expected_start_time,
    autoScheduled: row.auto_scheduled === 1,
  };
}

/** A listing's row, which has every column but `parameters`. */
export function flowRunSummaryFromRow(row: Omit<FlowRunRow, 'parameters'>): FlowRunSummary {
  const summary: FlowRunSummary = {
    id: row.id,
    flowId: row.flow_id,
    flowName: row.flow_name,
    name: row.name,
    state: joinedState(row),
    tags: JSON.parse(row.tags) as string[],
    parentFlowRunId: row.parent_flow_run_id,
    parentTaskRunId: row.parent_task_run_id,
    entrypoint: row.entrypoint,
    runCount: row.run_count,
    retryPolicy: JSON.parse(row.retry_policy) as RetryPolicy,
    createdAt: row.created_at,
    startTime: row.start_time,
    endTime: row.end_time,
    heartbeatAt: row.heartbeat_at,
    pid: row.pid,
    hostname: row.hostname,
    result: row.result,
    rerunOf: row.rerun_of === null ? null : { flowRunId: row.rerun_of, taskRunId: row.rerun_from ?? '' },
    codeRef: row.code_ref,
  };
  return row.deployment_id === null ? summary : Object.assign(summary, deploymentFields(row));
}

export function taskRunFromRow(row: TaskRunRow): TaskRun {
  return {
    id: row.id,
    flowRunId: row.flow_run_id,
    taskKey: row.task_key,
    name: row.name,
    dynamicKey: row.dynamic_key,
    state: joinedState(row),
    tags: JSON.parse(row.tags) as string[],
    runCount: row.run_count,
    retryPolicy: JSON.parse(row.retry_policy) as RetryPolicy,
    cacheKey: row.cache_key,
    inputs: row.inputs,
    upstream: JSON.parse(row.upstream) as string[],
    createdAt: row.created_at,
    startTime: row.start_time,
    endTime: row.end_time,
    result: row.result,
    flowRunAttempt: row.flow_run_attempt,
    reusedFrom: row.reused_from,
  };
}

export function stateFromRow(row: StateRow): State {
  const state: State = {
    type: row.type as State['type'],
    name: row.name,
    timestamp: row.timestamp,
    attempt: row.attempt,
  };
  if (row.message !== null) state.message = row.message;
  if (row.error !== null) state.error = JSON.parse(row.error) as State['error'];
  if (row.scheduled_time !== null) state.scheduledTime = row.scheduled_time;
  if (row.transition_id !== null) state.transitionId = row.transition_id;
  if (row.cache_key !== null) state.cacheKey = row.cache_key;
  if (row.result_ref !== null) state.resultRef = row.result_ref;
  return state;
}

export function logFromRow(row: LogRow): StoredLog {
  const line: StoredLog = {
    id: row.id,
    flowRunId: row.flow_run_id,
    taskRunId: row.task_run_id,
    level: row.level,
    message: row.message,
    timestamp: row.timestamp,
    attempt: row.attempt,
  };
  if (row.logger !== null) line.logger = row.logger;
  return line;
}

export type { ConcurrencyLimit };
