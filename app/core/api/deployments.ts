import { z } from 'zod';
import { FlowRunSchema, RetryPolicySchema } from '../runs.js';
import { ScheduleSchema } from '../schedules/model.js';
import { StateTypeSchema } from '../states.js';
import { TimeSchema } from './common.js';
import type { RouteSpec } from './route-spec.js';
import { RESOURCE_NAME_MAX, RESOURCE_NAME_PATTERN, RESOURCE_NAME_RULE } from './work-pool-rules.js';

export { RESOURCE_NAME_MAX } from './work-pool-rules.js';

/** What happens to a run of a deployment whose concurrency limit is full: it waits, or it is cancelled. */
export const COLLISION_STRATEGIES = ['ENQUEUE', 'CANCEL_NEW'] as const;
export type CollisionStrategy = (typeof COLLISION_STRATEGIES)[number];

/**
 * Which of the scheduled runs missed while the server was down still run once it is back: the
 * latest one only, all of them, or none.
 */
export const CATCH_UP_RULES = ['latest', 'all', 'none'] as const;
export type CatchUpRule = (typeof CATCH_UP_RULES)[number];

/** Names of deployments, work pools, queues and workers: what a person types on a command line. */
export const ResourceNameSchema = z.string().min(1).max(RESOURCE_NAME_MAX).regex(RESOURCE_NAME_PATTERN, RESOURCE_NAME_RULE);

/** A bundle's address: the SHA-256 of its content, in lowercase hex. */
export const BundleHashSchema = z.string().regex(/^[0-9a-f]{64}$/, 'must be a SHA-256 in lowercase hex (64 characters)');

/** `path/to/file.ts:exportName`, the path relative to the bundle's root; `:default` when the export is left out. */
export const EntrypointSchema = z
  .string()
  .min(1)
  .max(1024)
  .refine((text) => !text.includes('\u0000') && !/^[/\\]/.test(text) && !/(^|[/\\])\.\.([/\\]|:|$)/.test(text), {
    message: 'must be a path inside the project (no leading "/" and no ".."), optionally followed by ":exportName"',
  });

/** One schedule of a deployment as stored: the schedule as it was given, with an id and its description in words. */
export const DeploymentScheduleSchema = z.object({
  id: z.string(),
  schedule: ScheduleSchema,
  /** `schedule.active`, defaulted: an inactive schedule is kept but makes no runs. */
  active: z.boolean(),
  /** The schedule in words, e.g. "at 03:00 every day, Asia/Shanghai". */
  description: z.string(),
});
export type DeploymentSchedule = z.infer<typeof DeploymentScheduleSchema>;

export const DeploymentSchema = z.object({
  id: z.string(),
  name: z.string(),
  flowName: z.string(),
  /** `FLOW/NAME`, as the CLI names it. */
  fullName: z.string(),
  entrypoint: z.string(),
  description: z.string().nullable(),
  version: z.string().nullable(),
  tags: z.array(z.string()),
  /** Defaults for every run; a run's own parameters go over them. */
  parameters: z.record(z.string(), z.unknown()),
  /** The JSON Schema of the flow's parameters when it was deployed; every run's parameters are checked against it. */
  parameterSchema: z.record(z.string(), z.unknown()).nullable(),
  /** The pool whose workers run it; null for a deployment served by its own `serve` process. */
  workPool: z.string().nullable(),
  /** The queue of the pool; null means the pool's default queue. */
  workQueue: z.string().nullable(),
  schedules: z.array(DeploymentScheduleSchema),
  /** The flow's retries when it was deployed: its runs retry by it. */
  retryPolicy: RetryPolicySchema,
  /** How many of its runs may be Pending or Running at once; null for no limit. */
  concurrencyLimit: z.number().int().min(1).nullable(),
  collisionStrategy: z.enum(COLLISION_STRATEGIES),
  catchUp: z.enum(CATCH_UP_RULES),
  /** A paused deployment keeps its schedules but makes no scheduled runs, and its waiting runs are not started. */
  paused: z.boolean(),
  /** The code it runs: the hash of a bundle the server holds; null when it runs from a `serve` process's own files. */
  bundle: BundleHashSchema.nullable(),
  createdAt: z.number(),
  updatedAt: z.number(),
});
export type Deployment = z.infer<typeof DeploymentSchema>;

/** A flow run of a deployment, as the deployment's page lists it. */
export const DeploymentRunSchema = z.object({
  id: z.string(),
  name: z.string(),
  state: z.object({ type: StateTypeSchema, name: z.string() }),
  /** When it is (or was) due to start. */
  expectedStartTime: z.number().nullable(),
  startTime: z.number().nullable(),
  endTime: z.number().nullable(),
});
export type DeploymentRun = z.infer<typeof DeploymentRunSchema>;

/** One deployment as `GET /deployments/:id` gives it: with its next scheduled runs and its latest runs. */
export const DeploymentReadSchema = DeploymentSchema.extend({
  /** Scheduled runs not yet started, soonest first (at most 10). */
  upcoming: z.array(DeploymentRunSchema),
  /** Its latest runs that have started, newest first (at most 10). */
  recent: z.array(DeploymentRunSchema),
});
export type DeploymentRead = z.infer<typeof DeploymentReadSchema>;

/** A deployment in a listing: with when its next run is due. */
export const DeploymentSummarySchema = DeploymentSchema.extend({
  nextRunAt: z.number().nullable(),
});
export type DeploymentSummary = z.infer<typeof DeploymentSummarySchema>;

/**
 * What `flowdeck deploy`, `flow.deploy()` and `flow.serve()` send: a deployment is created, or
 * replaced whole when FLOW/NAME exists (its id and runs stay; future scheduled runs of changed
 * schedules are replaced).
 */
export const DeployRequestSchema = z.strictObject({
  name: ResourceNameSchema,
  flowName: z.string().min(1).max(RESOURCE_NAME_MAX),
  entrypoint: EntrypointSchema,
  description: z.string().max(10_000).nullable().optional(),
  version: z.string().max(256).nullable().optional(),
  tags: z.array(z.string().min(1).max(256)).max(50).optional(),
  parameters: z.record(z.string(), z.unknown()).optional(),
  parameterSchema: z.record(z.string(), z.unknown()).nullable().optional(),
  workPool: ResourceNameSchema.nullable().optional(),
  workQueue: ResourceNameSchema.nullable().optional(),
  schedules: z.array(ScheduleSchema).max(100).optional(),
  retryPolicy: RetryPolicySchema.optional(),
  concurrencyLimit: z.number().int().min(1).max(1_000_000).nullable().optional(),
  collisionStrategy: z.enum(COLLISION_STRATEGIES).optional(),
  catchUp: z.enum(CATCH_UP_RULES).optional(),
  paused: z.boolean().optional(),
  bundle: BundleHashSchema.nullable().optional(),
});
export type DeployRequest = z.input<typeof DeployRequestSchema>;

/** Several deployments at once: all are stored, or, when any is wrong, none. */
export const DeployManySchema = z.strictObject({ deployments: z.array(DeployRequestSchema).min(1).max(500) });

export const DeploymentIdParamsSchema = z.strictObject({ id: z.string().min(1).max(256) });
export const DeploymentNameParamsSchema = z.strictObject({ flow: z.string().min(1).max(RESOURCE_NAME_MAX), name: ResourceNameSchema });

export const DeploymentListQuerySchema = z.strictObject({
  flowName: z.string().min(1).max(RESOURCE_NAME_MAX).optional(),
  workPool: ResourceNameSchema.optional(),
});

/** A run on demand: parameters over the deployment's defaults, checked against its schema. */
export const RunDeploymentSchema = z.strictObject({
  parameters: z.record(z.string(), z.unknown()).optional(),
  tags: z.array(z.string().min(1).max(256)).max(50).optional(),
  /** When it should start; now when left out. */
  scheduledTime: TimeSchema.optional(),
  /** A run with this key is made once: asking again answers the run already made. */
  idempotencyKey: z.string().min(1).max(256).optional(),
});

export const DEPLOYMENT_ROUTES = {
  listDeployments: {
    method: 'GET',
    path: '/deployments',
    summary: 'Every deployment, by flow and name, with when its next run is due',
    resource: 'deployments',
    query: DeploymentListQuerySchema,
    status: 200,
    response: z.array(DeploymentSummarySchema),
  },
  deploy: {
    method: 'POST',
    path: '/deployments',
    summary:
      'Create a deployment, or replace the one with the same flow and name. 404 for an unknown work pool, queue or bundle; ' +
      '422 when the parameters do not fit the parameter schema',
    resource: 'deployments',
    body: DeployRequestSchema,
    status: 200,
    response: DeploymentSchema,
  },
  deployMany: {
    method: 'POST',
    path: '/deployments/batch',
    summary: 'Create or replace several deployments at once: all of them, or when any is wrong none, with the error naming it',
    resource: 'deployments',
    body: DeployManySchema,
    status: 200,
    response: z.array(DeploymentSchema),
  },
  getDeployment: {
    method: 'GET',
    path: '/deployments/:id',
    summary: 'One deployment with its schedules in words, its next scheduled runs and its latest runs',
    resource: 'deployments',
    params: DeploymentIdParamsSchema,
    status: 200,
    response: DeploymentReadSchema,
  },
  getDeploymentByName: {
    method: 'GET',
    path: '/deployments/name/:flow/:name',
    summary: 'One deployment by its flow and name (FLOW/NAME)',
    resource: 'deployments',
    params: DeploymentNameParamsSchema,
    status: 200,
    response: DeploymentReadSchema,
  },
  runDeployment: {
    method: 'POST',
    path: '/deployments/:id/runs',
    summary:
      'Make a run of a deployment, due now or at `scheduledTime`, for a worker of its pool to start. 422 when the parameters do ' +
      'not fit the parameter schema',
    resource: 'deployments',
    params: DeploymentIdParamsSchema,
    body: RunDeploymentSchema,
    status: 200,
    response: FlowRunSchema,
  },
  pauseDeployment: {
    method: 'POST',
    path: '/deployments/:id/pause',
    summary:
      'Pause a deployment: its schedules make no runs (the future runs they made are deleted) and its waiting runs are not started until it is resumed',
    resource: 'deployments',
    params: DeploymentIdParamsSchema,
    status: 200,
    response: DeploymentSchema,
  },
  resumeDeployment: {
    method: 'POST',
    path: '/deployments/:id/resume',
    summary: 'Resume a paused deployment; its schedules make runs again from now on',
    resource: 'deployments',
    params: DeploymentIdParamsSchema,
    status: 200,
    response: DeploymentSchema,
  },
  deleteDeployment: {
    method: 'DELETE',
    path: '/deployments/:id',
    summary: 'Delete a deployment and its scheduled runs that have not started; runs that started stay',
    resource: 'deployments',
    params: DeploymentIdParamsSchema,
    status: 204,
    response: z.undefined(),
  },
} as const satisfies Record<string, RouteSpec>;
