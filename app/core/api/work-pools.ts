import { z } from 'zod';
import { FlowRunSchema } from '../runs.js';
import { DeploymentIdParamsSchema, DeploymentSchema, RESOURCE_NAME_MAX, ResourceNameSchema } from './deployments.js';
import { RunIdSchema } from './common.js';
import type { RouteSpec } from './route-spec.js';
import { CLAIM_WAIT_MAX_MS, DEFAULT_QUEUE_NAME, RUNS_PER_PROCESS_MAX, WORK_POOL_TYPES } from './work-pool-rules.js';

export * from './work-pool-rules.js';

/** How a `process` pool starts each flow run. Every field may be left out. */
export const JobTemplateSchema = z
  .strictObject({
    /** Set in the flow process's environment, over the worker's own. */
    env: z.record(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'must be a valid environment variable name'), z.string()).default({}),
    /** Where the flow process starts; the bundle's folder when left out. Packages the flow imports are looked up from here too. */
    workingDir: z.string().min(1).max(4096).nullable().default(null),
    /** The program and its first arguments, run instead of this installation's `flowdeck`; the run's arguments follow. */
    command: z.array(z.string().min(1).max(4096)).min(1).max(100).nullable().default(null),
    /**
     * How many runs a worker hands to one flow process, which runs them at once and so shares its
     * module state among them; 1 (the default) gives each run a process of its own. Above 1 only
     * without a command of its own.
     */
    runsPerProcess: z.number().int().min(1).max(RUNS_PER_PROCESS_MAX).default(1),
  })
  .refine((template) => template.command === null || template.runsPerProcess === 1, {
    // A command of its own may not know how to take several runs: it gets each run in a process of its own.
    message: 'must be 1 when the job template has a command of its own',
    path: ['runsPerProcess'],
  });
export type JobTemplate = z.output<typeof JobTemplateSchema>;

export const WorkQueueSchema = z.object({
  id: z.string(),
  workPool: z.string(),
  name: z.string(),
  description: z.string().nullable(),
  /** 1 is served first. */
  priority: z.number().int().min(1),
  /** How many of its runs may be Pending or Running at once; null for no limit. */
  concurrencyLimit: z.number().int().min(0).nullable(),
  paused: z.boolean(),
  createdAt: z.number(),
});
export type WorkQueue = z.infer<typeof WorkQueueSchema>;

export const WORKER_STATUSES = ['ONLINE', 'OFFLINE'] as const;

export const WorkerSchema = z.object({
  id: z.string(),
  name: z.string(),
  workPool: z.string(),
  /** The queues it takes runs from; empty for all of the pool's queues. */
  queues: z.array(z.string()),
  /** How many runs it runs at once; null for no limit. */
  limit: z.number().int().min(1).nullable(),
  hostname: z.string().nullable(),
  pid: z.number().int().nullable(),
  status: z.enum(WORKER_STATUSES),
  startedAt: z.number(),
  lastHeartbeatAt: z.number(),
  /** The flow runs it has claimed that have not ended. */
  activeRuns: z.number().int(),
});
export type Worker = z.infer<typeof WorkerSchema>;

export const WorkPoolSchema = z.object({
  id: z.string(),
  name: z.string(),
  type: z.enum(WORK_POOL_TYPES),
  description: z.string().nullable(),
  paused: z.boolean(),
  /** How many of its runs may be Pending or Running at once; null for no limit. */
  concurrencyLimit: z.number().int().min(0).nullable(),
  jobTemplate: JobTemplateSchema,
  createdAt: z.number(),
  updatedAt: z.number(),
});
export type WorkPool = z.infer<typeof WorkPoolSchema>;

/** Counts of a pool's runs that have not ended, for its page and listing. */
export const WorkPoolRunCountsSchema = z.object({
  /** Scheduled and due within the next minute or already due. */
  waiting: z.number().int(),
  /** Scheduled and more than 15 s past their time. */
  late: z.number().int(),
  /** Pending or Running on one of its workers. */
  running: z.number().int(),
});

/** A pool as its page shows it: with its queues, its workers and their health, and what waits. */
export const WorkPoolReadSchema = WorkPoolSchema.extend({
  queues: z.array(WorkQueueSchema),
  workers: z.array(WorkerSchema),
  runs: WorkPoolRunCountsSchema,
});
export type WorkPoolRead = z.infer<typeof WorkPoolReadSchema>;

export const CreateWorkPoolSchema = z.strictObject({
  name: ResourceNameSchema,
  /** `process` (the default); `docker` and `kubernetes` are refused until they exist. */
  type: z.string().min(1).max(64).default('process'),
  description: z.string().max(10_000).nullable().optional(),
  concurrencyLimit: z.number().int().min(0).max(1_000_000).nullable().optional(),
  jobTemplate: JobTemplateSchema.optional(),
  paused: z.boolean().optional(),
});

/** Fields of a pool to change; those left out stay. */
export const UpdateWorkPoolSchema = z.strictObject({
  description: z.string().max(10_000).nullable().optional(),
  concurrencyLimit: z.number().int().min(0).max(1_000_000).nullable().optional(),
  jobTemplate: JobTemplateSchema.optional(),
  paused: z.boolean().optional(),
});

export const CreateWorkQueueSchema = z.strictObject({
  name: ResourceNameSchema,
  description: z.string().max(10_000).nullable().optional(),
  priority: z.number().int().min(1).max(1_000_000).optional(),
  concurrencyLimit: z.number().int().min(0).max(1_000_000).nullable().optional(),
  paused: z.boolean().optional(),
});

export const UpdateWorkQueueSchema = CreateWorkQueueSchema.omit({ name: true });

export const WorkPoolParamsSchema = z.strictObject({ pool: ResourceNameSchema });
export const WorkQueueParamsSchema = z.strictObject({ pool: ResourceNameSchema, queue: ResourceNameSchema });
export const WorkerParamsSchema = z.strictObject({ pool: ResourceNameSchema, worker: z.string().min(1).max(RESOURCE_NAME_MAX) });

/** What a worker says every few seconds; the first beat registers it. */
export const WorkerHeartbeatSchema = z.strictObject({
  name: z.string().min(1).max(RESOURCE_NAME_MAX),
  queues: z.array(ResourceNameSchema).max(100).default([]),
  limit: z.number().int().min(1).max(1_000_000).nullable().default(null),
  hostname: z.string().max(256).nullable().default(null),
  pid: z.number().int().nullable().default(null),
});

/** The server's answer to a beat: the worker as it is recorded, and the runs it holds that were asked to stop. */
export const WorkerBeatAnswerSchema = z.object({
  worker: WorkerSchema,
  /** Runs the worker claimed that are now Cancelling (or Cancelled before their process ended): stop their processes. */
  cancelling: z.array(z.string()),
});
export type WorkerBeatAnswer = z.infer<typeof WorkerBeatAnswerSchema>;

/** A worker asks for due runs: up to `limit`, waiting up to `waitMs` for one to come due (a long poll). */
export const ClaimRunsSchema = z.strictObject({
  worker: z.string().min(1).max(RESOURCE_NAME_MAX),
  /** Only from these queues of the pool; all of them when empty. */
  queues: z.array(ResourceNameSchema).max(100).default([]),
  limit: z.number().int().min(1).max(1000),
  waitMs: z.number().int().min(0).max(CLAIM_WAIT_MAX_MS).default(0),
});

/** A `serve` process asks for due runs of its own deployment (one with no work pool). */
export const ClaimDeploymentRunsSchema = ClaimRunsSchema.omit({ queues: true });

/** A run a worker has claimed (now Pending and its own), with what it needs to start it. */
export const ClaimedRunSchema = z.object({
  flowRun: FlowRunSchema,
  deployment: DeploymentSchema,
  /** The pool's job template. */
  jobTemplate: JobTemplateSchema,
});
export type ClaimedRun = z.infer<typeof ClaimedRunSchema>;

export const ClaimedRunsSchema = z.object({ runs: z.array(ClaimedRunSchema) });

/** Runs a worker gives back unstarted or stopped (it is shutting down): they are Scheduled again for another worker. */
export const ReleaseRunsSchema = z.strictObject({
  worker: z.string().min(1).max(RESOURCE_NAME_MAX),
  flowRunIds: z.array(RunIdSchema).max(1000),
});
export const ReleasedRunsSchema = z.object({ released: z.array(z.string()) });

export const WORK_POOL_ROUTES = {
  listWorkPools: {
    method: 'GET',
    path: '/work-pools',
    summary: 'Every work pool with its queues, workers and the counts of its waiting, late and running runs',
    resource: 'work-pools',
    status: 200,
    response: z.array(WorkPoolReadSchema),
  },
  createWorkPool: {
    method: 'POST',
    path: '/work-pools',
    summary: `Create a work pool, with a queue named '${DEFAULT_QUEUE_NAME}'. 409 when the name is taken; 422 for a type that does not exist yet`,
    resource: 'work-pools',
    body: CreateWorkPoolSchema,
    status: 200,
    response: WorkPoolReadSchema,
  },
  getWorkPool: {
    method: 'GET',
    path: '/work-pools/:pool',
    summary: 'One work pool with its queues, its workers and their health, and its runs waiting',
    resource: 'work-pools',
    params: WorkPoolParamsSchema,
    status: 200,
    response: WorkPoolReadSchema,
  },
  updateWorkPool: {
    method: 'PUT',
    path: '/work-pools/:pool',
    summary: 'Change a work pool: description, concurrency limit, job template, paused',
    resource: 'work-pools',
    params: WorkPoolParamsSchema,
    body: UpdateWorkPoolSchema,
    status: 200,
    response: WorkPoolReadSchema,
  },
  deleteWorkPool: {
    method: 'DELETE',
    path: '/work-pools/:pool',
    summary: 'Delete a work pool and its queues. 409 while deployments still name it',
    resource: 'work-pools',
    params: WorkPoolParamsSchema,
    status: 204,
    response: z.undefined(),
  },
  listWorkQueues: {
    method: 'GET',
    path: '/work-pools/:pool/queues',
    summary: 'The queues of a work pool, by priority',
    resource: 'work-queues',
    params: WorkPoolParamsSchema,
    status: 200,
    response: z.array(WorkQueueSchema),
  },
  createWorkQueue: {
    method: 'POST',
    path: '/work-pools/:pool/queues',
    summary: 'Add a queue to a work pool. 409 when the pool has one of that name',
    resource: 'work-queues',
    params: WorkPoolParamsSchema,
    body: CreateWorkQueueSchema,
    status: 200,
    response: WorkQueueSchema,
  },
  getWorkQueue: {
    method: 'GET',
    path: '/work-pools/:pool/queues/:queue',
    summary: 'One queue of a work pool',
    resource: 'work-queues',
    params: WorkQueueParamsSchema,
    status: 200,
    response: WorkQueueSchema,
  },
  updateWorkQueue: {
    method: 'PUT',
    path: '/work-pools/:pool/queues/:queue',
    summary: 'Change a queue: description, priority, concurrency limit, paused',
    resource: 'work-queues',
    params: WorkQueueParamsSchema,
    body: UpdateWorkQueueSchema,
    status: 200,
    response: WorkQueueSchema,
  },
  deleteWorkQueue: {
    method: 'DELETE',
    path: '/work-pools/:pool/queues/:queue',
    summary: `Delete a queue; its waiting runs move to the pool's '${DEFAULT_QUEUE_NAME}' queue, which cannot be deleted`,
    resource: 'work-queues',
    params: WorkQueueParamsSchema,
    status: 204,
    response: z.undefined(),
  },
  listWorkers: {
    method: 'GET',
    path: '/work-pools/:pool/workers',
    summary: 'The workers of a work pool, ONLINE or OFFLINE by their last heartbeat',
    resource: 'workers',
    params: WorkPoolParamsSchema,
    status: 200,
    response: z.array(WorkerSchema),
  },
  workerHeartbeat: {
    method: 'POST',
    path: '/work-pools/:pool/workers/heartbeat',
    summary: 'A worker says it is alive (the first beat registers it); a worker silent for 10 s is OFFLINE',
    resource: 'workers',
    params: WorkPoolParamsSchema,
    body: WorkerHeartbeatSchema,
    status: 200,
    response: WorkerBeatAnswerSchema,
  },
  deleteWorker: {
    method: 'DELETE',
    path: '/work-pools/:pool/workers/:worker',
    summary: 'A worker that stops says so: it is OFFLINE at once and the runs it claimed but did not start go back',
    resource: 'workers',
    params: WorkerParamsSchema,
    status: 204,
    response: z.undefined(),
  },
  claimRuns: {
    method: 'POST',
    path: '/work-pools/:pool/claim',
    summary:
      'A worker takes due runs of the pool: each run is claimed by one worker only, queues by priority, limits of pool, queue and ' +
      'deployment kept. Waits up to `waitMs` for a run to come due and answers as soon as one does',
    resource: 'workers',
    params: WorkPoolParamsSchema,
    body: ClaimRunsSchema,
    status: 200,
    response: ClaimedRunsSchema,
  },
  claimDeploymentRuns: {
    method: 'POST',
    path: '/deployments/:id/claim',
    summary: 'A `serve` process takes due runs of its own deployment, as a worker does of a pool; waits up to `waitMs` for one to come due',
    resource: 'deployments',
    params: DeploymentIdParamsSchema,
    body: ClaimDeploymentRunsSchema,
    status: 200,
    response: ClaimedRunsSchema,
  },
  releaseRuns: {
    method: 'POST',
    path: '/work-pools/:pool/release',
    summary: 'A worker gives back runs it claimed: each one it holds that has not ended is Scheduled again for another worker',
    resource: 'workers',
    params: WorkPoolParamsSchema,
    body: ReleaseRunsSchema,
    status: 200,
    response: ReleasedRunsSchema,
  },
} as const satisfies Record<string, RouteSpec>;
