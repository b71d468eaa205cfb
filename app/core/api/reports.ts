import { z } from 'zod';
import { CreateFlowRunSchema, CreateTaskRunSchema, LogLineSchema, RetryPolicySchema, SetStateSchema } from '../runs.js';
import { PauseRequestSchema, ProposedStateSchema, StateTypeSchema } from '../states.js';
import { nestsAtMost, OrchestrationResultSchema, RunIdSchema, TimeSchema, TransitionIdSchema } from './common.js';

const REPORT_MAX_OPERATIONS = 10_000;
const REPORT_MAX_LOG_LINES = 100_000;
/** How deeply a flow run's parameters may nest; far beyond any real parameters. */
export const MAX_PARAMETER_DEPTH = 64;

/** Ten years: beyond any real retry delay or cache lifetime, and far from the last representable time. */
const MAX_DURATION_SECONDS = 10 * 365 * 24 * 3600;

// The core schemas trust the engine; a remote client gets bounds on what the store will compute
// times from, so no rule is ever handed a time that cannot be represented.
const ProposedSchema = ProposedStateSchema.extend({
  pause: PauseRequestSchema.extend({
    inputSchema: PauseRequestSchema.shape.inputSchema.refine(
      (value) => nestsAtMost(value, MAX_PARAMETER_DEPTH),
      `nested deeper than ${MAX_PARAMETER_DEPTH} levels`,
    ),
    timeoutSeconds: z.number().min(0).max(MAX_DURATION_SECONDS).optional(),
  }).optional(),
  scheduledTime: TimeSchema.optional(),
  observedAt: TimeSchema.optional(),
  cacheExpirationSeconds: z.number().min(0).max(MAX_DURATION_SECONDS).optional(),
});
const RetryPolicyBoundsSchema = RetryPolicySchema.extend({
  retryDelaySeconds: z.array(z.number().min(0).max(MAX_DURATION_SECONDS)).max(1000).default([0]),
  retryJitterFactor: z.number().min(0).max(100).optional(),
});

const ParametersSchema = z
  .record(z.string(), z.unknown())
  .refine((value) => nestsAtMost(value, MAX_PARAMETER_DEPTH), `nested deeper than ${MAX_PARAMETER_DEPTH} levels`)
  .default({});

/**
 * One call of the reporting interface, as a remote flow process sends it. Requests carry the
 * client's own run and transition ids, so a resent operation is recognised and answered the same.
 */
const ReportOperationSchema = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('createFlowRun'),
    request: CreateFlowRunSchema.extend({
      id: RunIdSchema,
      transitionId: TransitionIdSchema,
      parameters: ParametersSchema,
      retryPolicy: RetryPolicyBoundsSchema,
      state: ProposedSchema,
    }),
  }),
  z.object({
    kind: z.literal('createTaskRun'),
    request: CreateTaskRunSchema.extend({
      id: RunIdSchema,
      flowRunId: RunIdSchema,
      transitionId: TransitionIdSchema,
      retryPolicy: RetryPolicyBoundsSchema,
      state: ProposedSchema,
    }),
  }),
  z.object({
    kind: z.literal('setState'),
    request: SetStateSchema.extend({ runId: RunIdSchema, transitionId: TransitionIdSchema, state: ProposedSchema }),
  }),
  z.object({
    kind: z.literal('heartbeat'),
    flowRunIds: z.array(RunIdSchema).max(REPORT_MAX_OPERATIONS),
  }),
]);
export type ReportOperation = z.input<typeof ReportOperationSchema>;

/** A batch of operations and log lines. The log lines are stored before the operations. */
export const ReportSchema = z.object({
  /**
   * The client sends this report again, not knowing whether the server stored it: every
   * transition in it is looked for in its run's history before it is judged.
   */
  replay: z.boolean().default(false),
  operations: z.array(ReportOperationSchema).max(REPORT_MAX_OPERATIONS).default([]),
  logs: z
    .array(LogLineSchema.extend({ flowRunId: RunIdSchema, timestamp: TimeSchema }))
    .max(REPORT_MAX_LOG_LINES)
    .default([]),
});
export type Report = z.input<typeof ReportSchema>;

const HeartbeatResultSchema = z.object({
  /** The state type each known flow run is in now; unknown ids are left out. */
  states: z.record(z.string(), StateTypeSchema),
});

/** An operation that could not be applied, while the others of its batch were. */
const OperationErrorSchema = z.object({
  error: z.object({ status: z.number().int(), message: z.string() }),
});

const ReportResultSchema = z.union([OrchestrationResultSchema, HeartbeatResultSchema, OperationErrorSchema]);
export type ReportResult = z.infer<typeof ReportResultSchema>;

export const ReportResponseSchema = z.object({
  /** One per operation, in the order they were sent. */
  results: z.array(ReportResultSchema),
});
