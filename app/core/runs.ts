import { z } from 'zod';
import { ErrorInfoSchema, ProposedStateSchema, StateSchema, StateTypeSchema } from './states.js';

export const RUN_KINDS = ['flow', 'task'] as const;
export type RunKind = (typeof RUN_KINDS)[number];

/** How a run may be retried: recorded on the run so the orchestration rules can apply it anywhere. */
export const RetryPolicySchema = z.object({
  retries: z.number().int().min(0).default(0),
  /** Delay before each retry, in seconds; the last one repeats. */
  retryDelaySeconds: z.array(z.number().min(0)).default([0]),
  retryJitterFactor: z.number().min(0).optional(),
});
export type RetryPolicy = z.infer<typeof RetryPolicySchema>;

/** What a Paused flow run waits for, as its pause said when it began. */
const FlowRunPauseSchema = z.object({
  /** The transition id of the Paused state: the pause a resume answers. */
  pauseId: z.string(),
  reason: z.string().nullable(),
  /** The JSON Schema the input given on resume must fit; null when any input (or none) will do. */
  inputSchema: z.record(z.string(), z.unknown()).nullable(),
  /** When the run stops waiting and fails (ms since the epoch); null when not known. */
  timeoutAt: z.number().nullable(),
});
export type FlowRunPause = z.infer<typeof FlowRunPauseSchema>;

/** What a debug run was started with, as its read by id shows it. */
export const DebugRunInfoSchema = z.object({
  /** Task names whose runs stop before they start. */
  breakpoints: z.array(z.string()),
  step: z.boolean(),
  breakOnFailure: z.boolean(),
  /** Task names whose runs do not run, completing with their pins. */
  pinned: z.array(z.string()),
  /** Task names the run goes up to: once a run of one completes, the run breaks as a whole. */
  stopAfter: z.array(z.string()).optional(),
  /** On a read: whether the run is broken as a whole now, each task run stopping before it starts. */
  broken: z.boolean().optional(),
});
export type DebugRunInfo = z.infer<typeof DebugRunInfoSchema>;

export const RerunLinkSchema = z.object({
  flowRunId: z.string(),
  /** The task run it ran again from. */
  taskRunId: z.string(),
});

/** A run made from one of a run's task runs, as that run's read lists it. */
export const RerunSummarySchema = z.object({
  id: z.string(),
  name: z.string(),
  state: z.object({ type: StateTypeSchema, name: z.string() }),
  /** The task run it ran again from. */
  fromTaskRunId: z.string(),
  createdAt: z.number(),
});
export type RerunSummary = z.infer<typeof RerunSummarySchema>;

export const FlowRunSchema = z.object({
  id: z.string(),
  flowId: z.string(),
  flowName: z.string(),
  name: z.string(),
  state: StateSchema,
  parameters: z.record(z.string(), z.unknown()),
  tags: z.array(z.string()),
  parentFlowRunId: z.string().nullable(),
  parentTaskRunId: z.string().nullable(),
  entrypoint: z.string().nullable(),
  runCount: z.number().int(),
  retryPolicy: RetryPolicySchema,
  createdAt: z.number(),
  startTime: z.number().nullable(),
  endTime: z.number().nullable(),
  heartbeatAt: z.number().nullable(),
  pid: z.number().int().nullable(),
  hostname: z.string().nullable(),
  result: z.string().nullable(),
  /** On a Paused run read by its id: what the pause waits for, when the pause said. */
  pause: FlowRunPauseSchema.optional(),
  /** On a debug run read by its id: what it stops at. */
  debug: DebugRunInfoSchema.optional(),
  /** For a run from a chosen task: the run it came from and the task run it ran again from. */
  rerunOf: RerunLinkSchema.nullable(),
  /** Where the compiled code it ran is kept (relative to FLOWDECK_HOME on the machine that ran it), to run it again as it was. */
  codeRef: z.string().nullable(),
  /** On a run read by its id: the runs made from its task runs, newest first. */
  reruns: z.array(RerunSummarySchema).optional(),
  /** The deployment that made it (on demand or by a schedule); null or absent for a run started by hand. */
  deploymentId: z.string().nullable().optional(),
  /** `FLOW/NAME` of that deployment, for lists that show it. */
  deploymentName: z.string().nullable().optional(),
  /** The work pool and queue whose workers may start it. */
  workPool: z.string().nullable().optional(),
  workQueue: z.string().nullable().optional(),
  /** The worker that claimed it, once one has. */
  workerName: z.string().nullable().optional(),
  /** When it is due to start: the time its schedule gave, or when it was asked for. */
  expectedStartTime: z.number().nullable().optional(),
  /** Made by one of its deployment's schedules (rather than on demand). */
  autoScheduled: z.boolean().optional(),
});
export type FlowRun = z.infer<typeof FlowRunSchema>;

/** A flow run as listings carry it: everything but its parameters, which may be large; read the run for those. */
export const FlowRunSummarySchema = FlowRunSchema.omit({ parameters: true, pause: true, debug: true, reruns: true });
export type FlowRunSummary = z.infer<typeof FlowRunSummarySchema>;

/** Where a task run held at a breakpoint stopped. */
const TaskRunBreakpointSchema = z.object({
  /** The transition id of the Breakpoint state: the breakpoint an answer is for. */
  breakpointId: z.string(),
  /** The arguments it would run with, as JSON; null when they cannot be written as JSON (then they cannot be edited). */
  inputs: z.string().nullable(),
  /** Why it stopped: a breakpoint on its task, a step, or its failure. */
  reason: z.string().nullable(),
  /** With a breakpoint on a failure: the error. */
  error: ErrorInfoSchema.nullable(),
  pausedAt: z.number(),
});
export type TaskRunBreakpoint = z.infer<typeof TaskRunBreakpointSchema>;

export const TaskRunSchema = z.object({
  id: z.string(),
  flowRunId: z.string(),
  taskKey: z.string(),
  name: z.string(),
  /** Position among the runs of the same task in one flow run (the map index for mapped runs). */
  dynamicKey: z.number().int(),
  state: StateSchema,
  tags: z.array(z.string()),
  runCount: z.number().int(),
  retryPolicy: RetryPolicySchema,
  cacheKey: z.string().nullable(),
  /** A JSON rendering of the arguments, for people. */
  inputs: z.string().nullable(),
  /** Task runs whose results or completion this run waited on. */
  upstream: z.array(z.string()),
  createdAt: z.number(),
  startTime: z.number().nullable(),
  endTime: z.number().nullable(),
  result: z.string().nullable(),
  /** On a task run held at a breakpoint, read by its id: where it stopped. */
  breakpoint: TaskRunBreakpointSchema.optional(),
  /** The attempt of its flow run that made it (1 for the first). */
  flowRunAttempt: z.number().int(),
  /** For a run that reused a recorded result instead of running: the task run that computed it. */
  reusedFrom: z.string().nullable(),
});
export type TaskRun = z.infer<typeof TaskRunSchema>;

export const CreateFlowRunSchema = z.object({
  id: z.string(),
  flowName: z.string().min(1),
  name: z.string().min(1),
  parameters: z.record(z.string(), z.unknown()).default({}),
  tags: z.array(z.string()).default([]),
  parentFlowRunId: z.string().nullable().default(null),
  parentTaskRunId: z.string().nullable().default(null),
  entrypoint: z.string().nullable().default(null),
  retryPolicy: RetryPolicySchema,
  pid: z.number().int().nullable().default(null),
  hostname: z.string().nullable().default(null),
  state: ProposedStateSchema,
  transitionId: z.string(),
  /** Set for a debug run: its breakpoints, which the run's read then shows and which lets it be broken as a whole. */
  debug: DebugRunInfoSchema.optional(),
  /** For a run from a chosen task of an earlier run. */
  rerunOf: RerunLinkSchema.optional(),
  /** Where the compiled code it runs is kept. */
  codeRef: z.string().optional(),
});
export type CreateFlowRun = z.input<typeof CreateFlowRunSchema>;

export const CreateTaskRunSchema = z.object({
  id: z.string(),
  flowRunId: z.string(),
  taskKey: z.string().min(1),
  name: z.string().min(1),
  dynamicKey: z.number().int(),
  tags: z.array(z.string()).default([]),
  retryPolicy: RetryPolicySchema,
  cacheKey: z.string().nullable().default(null),
  inputs: z.string().nullable().default(null),
  upstream: z.array(z.string()).default([]),
  /** The attempt of its flow run that makes it. */
  flowRunAttempt: z.number().int().min(1).default(1),
  state: ProposedStateSchema,
  transitionId: z.string(),
});
export type CreateTaskRun = z.input<typeof CreateTaskRunSchema>;

export const SetStateSchema = z.object({
  kind: z.enum(RUN_KINDS),
  runId: z.string(),
  state: ProposedStateSchema,
  transitionId: z.string(),
  /** Skip the orchestration rules (an operator's override). */
  force: z.boolean().optional(),
  /** For flow runs: the process that takes the run over, e.g. when it is retried. */
  owner: z.object({ pid: z.number().int(), hostname: z.string() }).optional(),
  /**
   * The client may have sent this transition before without hearing the answer: the store looks
   * for it in the run's history first and answers with what it made then.
   */
  replay: z.boolean().optional(),
});
export type SetState = z.input<typeof SetStateSchema>;

export { LOG_LEVELS, logLevelName, type LogLevelName } from './log-levels.js';

export const LogLineSchema = z.object({
  flowRunId: z.string(),
  taskRunId: z.string().nullable(),
  level: z.number().int(),
  message: z.string(),
  timestamp: z.number(),
  /** Which attempt of the task (or flow) wrote it. */
  attempt: z.number().int(),
  logger: z.string().optional(),
});
export type LogLine = z.infer<typeof LogLineSchema>;

export const StoredLogSchema = LogLineSchema.extend({ id: z.number().int() });
export type StoredLog = z.infer<typeof StoredLogSchema>;

export const ConcurrencyLimitSchema = z.object({
  tag: z.string().min(1),
  limit: z.number().int().min(0),
  activeSlots: z.array(z.string()),
  createdAt: z.number(),
});
export type ConcurrencyLimit = z.infer<typeof ConcurrencyLimitSchema>;

export const FlowRunFilterSchema = z.object({
  flowName: z.string().optional(),
  stateTypes: z.array(StateTypeSchema).optional(),
  parentFlowRunId: z.string().optional(),
  limit: z.number().int().min(1).max(10_000).default(50),
});
export type FlowRunFilter = z.input<typeof FlowRunFilterSchema>;
