import { z } from 'zod';
import { FlowRunSchema, FlowRunSummarySchema, LOG_LEVELS } from '../runs.js';
import { StateTypeSchema } from '../states.js';
import { ResourceNameSchema } from './deployments.js';
import { RetrySourceSchema } from './reruns.js';
import { listQuery, MAX_TIME_MS, nestsAtMost, RunIdSchema, TransitionIdSchema, wholeNumberQuery } from './common.js';

/**
 * Whether the server can run a flow run's flow again (Retry, Run again): the workspace file it
 * came from, as the describe and run endpoints take it, or why not, in words to show.
 */
const RerunSchema = z.union([
  z.object({ possible: z.literal(true), path: z.string(), flowName: z.string() }),
  z.object({ possible: z.literal(false), reason: z.string() }),
]);

/** A flow run as its own read answers it: with whether this server can run it again. */
export const FlowRunReadSchema = FlowRunSchema.extend({ rerun: RerunSchema });
export type FlowRunRead = z.infer<typeof FlowRunReadSchema>;

const FLOW_RUN_PAGE_DEFAULT = 50;
export const FLOW_RUN_PAGE_MAX = 200;

/** Milliseconds since the epoch, as everywhere in the API. */
const timeQuery = wholeNumberQuery(0, MAX_TIME_MS);

/**
 * Orders of the flow-run listing, by creation time (ties by id): a key a run never changes, so a
 * page cursor keeps its place while runs are added or change state.
 */
export const FLOW_RUN_SORTS = ['newest', 'oldest'] as const;
const FlowRunSortSchema = z.enum(FLOW_RUN_SORTS);
export type FlowRunSort = z.infer<typeof FlowRunSortSchema>;

/** The longest text a listing may search for. */
export const FLOW_RUN_TEXT_MAX = 200;

const FlowRunListFields = z.strictObject({
  flowName: z.string().min(1).optional(),
  /** Runs in any of these state types. */
  stateTypes: listQuery(StateTypeSchema, 9).optional(),
  /** Runs carrying every one of these tags. */
  tags: listQuery(z.string().min(1), 20).optional(),
  /** Created at or after this time. */
  createdAfter: timeQuery.optional(),
  /** Created at or before this time. */
  createdBefore: timeQuery.optional(),
  parentFlowRunId: RunIdSchema.optional(),
  /** Runs of this deployment. */
  deploymentId: z.string().min(1).max(256).optional(),
  /** Runs of deployments in this work pool (by name); an unknown pool lists none. */
  workPool: ResourceNameSchema.optional(),
  /** With `workPool`: only its runs of this queue. */
  workQueue: ResourceNameSchema.optional(),
  /** Runs whose state has one of these names (Late, Scheduled, ...). */
  stateNames: listQuery(z.string().min(1).max(64), 20).optional(),
  /**
   * Runs whose name or flow name contains this text, ignoring the case of ASCII letters
   * (surrounding spaces are dropped).
   */
  q: z
    .string()
    .trim()
    .min(1)
    .max(FLOW_RUN_TEXT_MAX)
    .refine((text) => !text.includes('\u0000'), 'must not contain the NUL character')
    .optional(),
  sort: FlowRunSortSchema.default('newest'),
  limit: wholeNumberQuery(1, FLOW_RUN_PAGE_MAX).default(FLOW_RUN_PAGE_DEFAULT),
  /** From the previous page's `nextCursor`; the same filters and sort must be given again. */
  cursor: z.string().min(1).max(512).optional(),
});

/** Filters of the flow-run listing; every one given must hold. Newest runs come first unless `sort` says otherwise. */
export const FlowRunListQuerySchema = FlowRunListFields.refine((query) => query.workQueue === undefined || query.workPool !== undefined, {
  message: 'needs workPool too: a queue is named within its pool',
  path: ['workQueue'],
});
export type FlowRunListQuery = z.input<typeof FlowRunListQuerySchema>;

export const FlowRunPageSchema = z.object({
  /** Summaries: each run without its parameters, which `GET /flow-runs/:id` gives. */
  items: z.array(FlowRunSummarySchema),
  /** Pass as `cursor` for the next page; null on the last one. */
  nextCursor: z.string().nullable(),
});

const LOGS_PAGE_DEFAULT = 1000;
const LOGS_PAGE_MAX = 10_000;

/** A flow run's log lines in the order they were stored; follow them by passing the last id seen. */
export const LogsQuerySchema = z.strictObject({
  afterId: wholeNumberQuery(0, Number.MAX_SAFE_INTEGER).optional(),
  /**
   * Only lines stored before this id, the newest of them: read a run's logs from the end back.
   * The lines still come oldest first.
   */
  beforeId: wholeNumberQuery(1, Number.MAX_SAFE_INTEGER).optional(),
  /** Only lines whose message contains this text (ASCII letters in any case). */
  q: z
    .string()
    .min(1)
    .max(200)
    .refine((text) => !text.includes('\u0000'), 'must not contain a NUL character')
    .optional(),
  limit: wholeNumberQuery(1, LOGS_PAGE_MAX).default(LOGS_PAGE_DEFAULT),
  taskRunId: RunIdSchema.optional(),
  /** Only lines at this level or above (DEBUG 10, INFO 20, WARNING 30, ERROR 40, CRITICAL 50). */
  minLevel: wholeNumberQuery(0, LOG_LEVELS.CRITICAL).optional(),
});

/** What a retry may say about itself; it becomes the message of the AwaitingRetry state. */
export const RetryFlowRunSchema = z.strictObject({
  message: z.string().min(1).max(1000).optional(),
  /** Where the retry was asked for, which the state's message says when none is given. Default: api. */
  source: RetrySourceSchema.optional(),
  /** The attempt runs every task again instead of reusing completed ones (a deployment's run, which its pool's workers take). */
  all: z.boolean().optional(),
});

/** How deeply the input given on resume may nest; far beyond any real answer. */
const MAX_RESUME_INPUT_DEPTH = 64;

/** What a paused flow run is resumed with: `input` becomes the answer of its `pauseFlowRun()`. */
export const ResumeFlowRunSchema = z.strictObject({
  input: z
    .unknown()
    .refine((value) => nestsAtMost(value, MAX_RESUME_INPUT_DEPTH), `nested deeper than ${MAX_RESUME_INPUT_DEPTH} levels`)
    .optional(),
});

/** Which pause of a flow run: the transition id of its Paused state. */
export const ResumeInputQuerySchema = z.strictObject({
  pauseId: TransitionIdSchema,
});

/** The input a pause was resumed with; no `input` when none was given. */
export const ResumeInputSchema = z.object({
  pauseId: z.string(),
  input: z.unknown().optional(),
  resumedAt: z.number(),
});
