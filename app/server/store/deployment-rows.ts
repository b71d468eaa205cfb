import type { Deployment, DeploymentSchedule } from '../../core/api/deployments.js';
import type { JobTemplate, Worker, WorkPool, WorkQueue } from '../../core/api/work-pools.js';
import { DEFAULT_JOB_TEMPLATE, WORKER_OFFLINE_AFTER_MS } from '../../core/api/work-pool-rules.js';
import type { RetryPolicy } from '../../core/index.js';
import { describeSchedule } from '../../core/schedules/describe.js';
import type { Schedule } from '../../core/schedules/model.js';

export interface DeploymentRow {
  id: string;
  flow_name: string;
  name: string;
  entrypoint: string;
  description: string | null;
  version: string | null;
  tags: string;
  parameters: string;
  parameter_schema: string | null;
  work_pool: string | null;
  work_queue: string | null;
  retry_policy: string;
  concurrency_limit: number | null;
  collision_strategy: string;
  catch_up: string;
  paused: number;
  bundle: string | null;
  created_at: number;
  updated_at: number;
}

export interface ScheduleRow {
  id: string;
  deployment_id: string;
  position: number;
  definition: string;
  active: number;
  last_scheduled_time: number | null;
}

export interface WorkPoolRow {
  id: string;
  name: string;
  type: string;
  description: string | null;
  paused: number;
  concurrency_limit: number | null;
  job_template: string;
  created_at: number;
  updated_at: number;
}

export interface WorkQueueRow {
  id: string;
  work_pool: string;
  name: string;
  description: string | null;
  priority: number;
  concurrency_limit: number | null;
  paused: number;
  created_at: number;
}

export interface WorkerRow {
  id: string;
  work_pool: string;
  name: string;
  queues: string;
  run_limit: number | null;
  hostname: string | null;
  pid: number | null;
  started_at: number;
  last_heartbeat_at: number;
  offline: number;
}

export function scheduleFromRow(row: ScheduleRow): DeploymentSchedule {
  const schedule = JSON.parse(row.definition) as Schedule;
  return { id: row.id, schedule, active: row.active === 1, description: describeSchedule(schedule) };
}

export function deploymentFromRow(row: DeploymentRow, schedules: readonly ScheduleRow[]): Deployment {
  return {
    id: row.id,
    name: row.name,
    flowName: row.flow_name,
    fullName: `${row.flow_name}/${row.name}`,
    entrypoint: row.entrypoint,
    description: row.description,
    version: row.version,
    tags: JSON.parse(row.tags) as string[],
    parameters: JSON.parse(row.parameters) as Record<string, unknown>,
    parameterSchema: row.parameter_schema === null ? null : (JSON.parse(row.parameter_schema) as Record<string, unknown>),
    workPool: row.work_pool,
    workQueue: row.work_queue,
    schedules: schedules.map(scheduleFromRow),
    retryPolicy: JSON.parse(row.retry_policy) as RetryPolicy,
    concurrencyLimit: row.concurrency_limit,
    collisionStrategy: row.collision_strategy as Deployment['collisionStrategy'],
    catchUp: row.catch_up as Deployment['catchUp'],
    paused: row.paused === 1,
    bundle: row.bundle,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

export function workPoolFromRow(row: WorkPoolRow): WorkPool {
  return {
    id: row.id,
    name: row.name,
    type: row.type as WorkPool['type'],
    description: row.description,
    paused: row.paused === 1,
    concurrencyLimit: row.concurrency_limit,
    // Templates stored before a field existed have its default.
    jobTemplate: { ...DEFAULT_JOB_TEMPLATE, ...(JSON.parse(row.job_template) as Partial<JobTemplate>) },
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

export function workQueueFromRow(row: WorkQueueRow): WorkQueue {
  return {
    id: row.id,
    workPool: row.work_pool,
    name: row.name,
    description: row.description,
    priority: row.priority,
    concurrencyLimit: row.concurrency_limit,
    paused: row.paused === 1,
    createdAt: row.created_at,
  };
}

/** Whether a worker counts as alive at `now`: it has not said it stopped, and beat lately. */
export function workerIsOnline(row: Pick<WorkerRow, 'offline' | 'last_heartbeat_at'>, now: number): boolean {
  return row.offline === 0 && now - row.last_heartbeat_at <= WORKER_OFFLINE_AFTER_MS;
}

export function workerFromRow(row: WorkerRow, now: number, activeRuns: number): Worker {
  return {
    id: row.id,
    name: row.name,
    workPool: row.work_pool,
    queues: JSON.parse(row.queues) as string[],
    limit: row.run_limit,
    hostname: row.hostname,
    pid: row.pid,
    status: workerIsOnline(row, now) ? 'ONLINE' : 'OFFLINE',
    startedAt: row.started_at,
    lastHeartbeatAt: row.last_heartbeat_at,
    activeRuns,
  };
}
