import type {
  ClaimedRun,
  CatchUpRule,
  DeployRequest,
  Deployment,
  DeploymentRead,
  DeploymentSummary,
  Worker,
  WorkerBeatAnswer,
  WorkPoolRead,
  WorkQueue,
} from '../../core/api/index.js';
import type { z } from 'zod';
import type {
  CreateWorkPoolSchema,
  CreateWorkQueueSchema,
  UpdateWorkPoolSchema,
  UpdateWorkQueueSchema,
  WorkerHeartbeatSchema,
} from '../../core/api/work-pools.js';
import type { FlowRun } from '../../core/index.js';
import type { Schedule } from '../../core/schedules/index.js';

/** One active schedule of an unpaused deployment, as the scheduler plans its runs. */
export interface ScheduleTarget {
  deploymentId: string;
  scheduleId: string;
  schedule: Schedule;
  /** The deployment's parameters with the schedule's own over them. */
  parameters: Record<string, unknown>;
  catchUp: CatchUpRule;
  /** The latest time a run was made for by this schedule; null before its first. */
  lastScheduledTime: number | null;
  /** How many of its runs are still Scheduled for a time after `now` as the store read it. */
  futureRuns: number;
}

/** Runs for one schedule at these times (ms); a time already made for that schedule is skipped. */
export interface ScheduledRunsRequest {
  deploymentId: string;
  scheduleId: string;
  times: readonly number[];
}

/** A run on demand (or at a chosen time), its parameters already merged over the deployment's and checked. */
export interface DeploymentRunRequest {
  parameters: Record<string, unknown>;
  tags?: readonly string[];
  scheduledTime: number;
  idempotencyKey?: string;
}

/** Whose runs a claim takes: a work pool's, or one deployment's (a `serve` process, its deployment in no pool). */
export type ClaimTarget = { pool: string } | { deploymentId: string };

export interface ClaimRequest {
  worker: string;
  queues: readonly string[];
  limit: number;
}

export type CreateWorkPool = z.output<typeof CreateWorkPoolSchema>;
export type UpdateWorkPool = z.output<typeof UpdateWorkPoolSchema>;
export type CreateWorkQueue = z.output<typeof CreateWorkQueueSchema>;
export type UpdateWorkQueue = z.output<typeof UpdateWorkQueueSchema>;
export type WorkerBeat = z.output<typeof WorkerHeartbeatSchema>;

/**
 * Deployments, their schedules and scheduled runs, work pools and their queues, workers and the
 * claims they make, as every store keeps them. Refusals are StoreErrors whose message names the
 * field: NOT_FOUND for an unknown pool, queue or deployment, CONFLICT for a taken name or a pool
 * still in use, INVALID for a value that does not fit.
 */
export interface DeploymentStore {
  // ---- deployments ----
  /**
   * Creates or replaces (same flow and name) each deployment, all in one transaction: every one is
   * stored or, when any is refused, none. A schedule whose definition is unchanged keeps its id and
   * its runs; the future Scheduled runs of a schedule that changed or went are deleted.
   */
  deploy(requests: readonly DeployRequest[]): Promise<Deployment[]>;
  listDeployments(filter?: { flowName?: string; workPool?: string }): Promise<DeploymentSummary[]>;
  getDeployment(id: string): Promise<DeploymentRead | null>;
  findDeployment(flowName: string, name: string): Promise<DeploymentRead | null>;
  /** Null for an unknown deployment. */
  setDeploymentPaused(id: string, paused: boolean): Promise<Deployment | null>;
  /** Deletes it and its Scheduled runs that have not started; false for an unknown one. */
  deleteDeployment(id: string): Promise<boolean>;
  /** Makes one Scheduled run of it; with an idempotency key already used, answers that run. */
  createDeploymentRun(deploymentId: string, request: DeploymentRunRequest): Promise<FlowRun>;

  // ---- the scheduler's reads and writes ----
  listScheduleTargets(): Promise<ScheduleTarget[]>;
  /** Makes the Scheduled runs, never twice for one schedule and time (also across restarts); answers how many it made. */
  scheduleRuns(requests: readonly ScheduledRunsRequest[]): Promise<number>;
  /**
   * Cancels the runs of a deployment's schedules still Scheduled for a time before `before` (missed
   * while the server was down), all of them or all but the latest; answers how many.
   */
  skipMissedRuns(deploymentId: string, before: number, keepLatest: boolean): Promise<number>;
  /** Renames Late the deployment runs still Scheduled more than `lateAfterMs` after their time; answers how many. */
  markLateRuns(lateAfterMs: number): Promise<number>;

  // ---- work pools and queues ----
  createWorkPool(request: CreateWorkPool): Promise<WorkPoolRead>;
  listWorkPools(): Promise<WorkPoolRead[]>;
  getWorkPool(name: string): Promise<WorkPoolRead | null>;
  updateWorkPool(name: string, changes: UpdateWorkPool): Promise<WorkPoolRead | null>;
  deleteWorkPool(name: string): Promise<boolean>;
  createWorkQueue(pool: string, request: CreateWorkQueue): Promise<WorkQueue>;
  listWorkQueues(pool: string): Promise<WorkQueue[] | null>;
  getWorkQueue(pool: string, name: string): Promise<WorkQueue | null>;
  updateWorkQueue(pool: string, name: string, changes: UpdateWorkQueue): Promise<WorkQueue | null>;
  deleteWorkQueue(pool: string, name: string): Promise<boolean>;

  // ---- workers and claims ----
  workerHeartbeat(pool: string, beat: WorkerBeat): Promise<WorkerBeatAnswer>;
  listWorkers(pool: string): Promise<Worker[] | null>;
  /** The worker is OFFLINE at once and the runs it claimed but did not start are Scheduled again; false for an unknown one. */
  removeWorker(pool: string, name: string): Promise<boolean>;
  /** For every worker silent longer than WORKER_OFFLINE_AFTER_MS: the runs it claimed but did not start are Scheduled again. Answers how many runs. */
  releaseClaimsOfSilentWorkers(): Promise<number>;
  /**
   * Claims up to `limit` due runs of the pool (or the deployment) for the worker, each for one worker only: highest
   * priority queue first, then earliest time; paused pools, queues and deployments and full
   * concurrency limits hold runs back (a deployment's CANCEL_NEW strategy cancels them instead).
   * Each claimed run is Pending, names the worker, and comes with its deployment and the pool's job template.
   */
  claimRuns(target: ClaimTarget, request: ClaimRequest): Promise<ClaimedRun[]>;
  /** The earliest time a Scheduled run the worker could claim is due, or null when none waits. */
  nextDueTime(target: ClaimTarget, queues: readonly string[]): Promise<number | null>;
  /**
   * Calls `listener` soon after runs may have become claimable (runs made or released, a pool,
   * queue or deployment resumed, a run ended and freed a concurrency slot), also when another
   * process wrote the change; returns a function that stops it. Claim long polls wait on it.
   */
  onClaimableChange(listener: () => void): () => void;
  /** Schedules again the named runs the worker claimed that have not ended; answers their ids. */
  releaseRuns(target: ClaimTarget, worker: string, flowRunIds: readonly string[]): Promise<string[]>;
}
