import { z } from 'zod';
import { BREAKPOINT_ACTIONS } from '../debugging.js';
import { nestsAtMost, wholeNumberQuery } from './common.js';

/** How deeply edited inputs or a given result may nest; far beyond any real value. */
const MAX_VALUE_DEPTH = 64;
/** The longest a process's read of answers is held open, waiting for one. */
export const MAX_ANSWER_WAIT_MS = 60_000;

const nested = z.unknown().refine((value) => nestsAtMost(value, MAX_VALUE_DEPTH), `nested deeper than ${MAX_VALUE_DEPTH} levels`);

/** Continue (or step) a task run held at a breakpoint, optionally with its arguments edited. */
export const ContinueTaskRunSchema = z.strictObject({
  /** Run this task run, then pause before the next task run of its flow run starts. */
  step: z.boolean().optional(),
  /** The task's arguments to run with instead of its own, as a JSON array in their order. */
  inputs: z.array(nested).max(1000).optional(),
});

/** Skip a task run held at a breakpoint: it does not run, and completes with this result. */
export const SkipTaskRunSchema = z.strictObject({
  /** Needed (null is a result); left out, the store refuses the answer with a 422 that says so. */
  result: nested.optional(),
});

/** Continue every task run of a flow run held at a breakpoint. */
export const ContinueFlowRunSchema = z.strictObject({
  step: z.boolean().optional(),
});

export const ContinuedFlowRunSchema = z.object({
  flowRunId: z.string(),
  /** The task runs that went on. */
  continued: z.array(z.string()),
});

export const BreakpointAnswersQuerySchema = z.strictObject({
  /** Answers after this one (0 for all). */
  after: wholeNumberQuery(0, Number.MAX_SAFE_INTEGER).default(0),
  /** With none yet, how long to hold the request open for one (ms). */
  waitMs: wholeNumberQuery(0, MAX_ANSWER_WAIT_MS).default(0),
});

export const BreakpointAnswerSchema = z.object({
  id: z.number().int(),
  flowRunId: z.string(),
  taskRunId: z.string(),
  breakpointId: z.string(),
  action: z.enum(BREAKPOINT_ACTIONS),
  inputs: z.array(z.unknown()).optional(),
  result: z.unknown().optional(),
  answeredAt: z.number(),
});
