import { z } from 'zod';
import { RETRY_SOURCES } from '../reuse.js';
import { nestsAtMost } from './common.js';

/** How deeply edited inputs may nest; far beyond any real value. */
const MAX_INPUTS_DEPTH = 64;

export const RetrySourceSchema = z.enum(RETRY_SOURCES);

/**
 * Run a finished run's flow again as its next attempt (Retry). By default the attempt reuses the
 * result of every task run that completed in an earlier attempt; `all` runs every task again.
 */
export const RetryInProcessSchema = z.strictObject({
  all: z.boolean().optional(),
  /** Where the retry was asked for; its AwaitingRetry state's message says so. Default: api. */
  source: RetrySourceSchema.optional(),
});

/** Which code a run from a chosen task runs: the flow file as it is now, or as the original run ran it. */
export const RERUN_CODE = ['current', 'original'] as const;

/** Run a finished run's flow again from one of its task runs, as a new run linked to it. */
export const RunFromTaskSchema = z.strictObject({
  /** The task run to run again from: its id, a prefix of it, or its name. */
  task: z.string().min(1).max(200),
  /** The chosen task run's arguments instead of its own, as a JSON array in their order. */
  inputs: z
    .array(z.unknown())
    .max(1000)
    .refine((value) => nestsAtMost(value, MAX_INPUTS_DEPTH), `nested deeper than ${MAX_INPUTS_DEPTH} levels`)
    .optional(),
  code: z.enum(RERUN_CODE).default('current'),
  /** Reuse recorded results of tasks whose code changed since. */
  reuseChangedCode: z.boolean().optional(),
});
export type RunFromTask = z.input<typeof RunFromTaskSchema>;

export const RecordedTaskRunSchema = z.object({
  id: z.string(),
  name: z.string(),
  taskKey: z.string(),
  dynamicKey: z.number().int(),
  flowRunAttempt: z.number().int(),
  stateType: z.string(),
  stateName: z.string(),
  resultRef: z.string().nullable(),
  reusedFrom: z.string().nullable(),
  upstream: z.array(z.string()),
  childFlowRunId: z.string().nullable(),
});

export const RecordedRunsSchema = z.object({
  flowRunId: z.string(),
  flowName: z.string(),
  hostname: z.string().nullable(),
  runCount: z.number().int(),
  taskRuns: z.array(RecordedTaskRunSchema),
});
