import type { RunIdProblem } from '../../core/api/run-ids.js';
import type {
  ConcurrencyLimit,
  FlowRun,
  FlowRunSummary,
  JsonSchemaIssue,
  OrchestrationResult,
  RunKind,
  State,
  StateType,
  StoredLog,
  TaskRun,
} from '../../core/index.js';

/** Which flow runs `flow-run ls` wants, newest first. */
export interface FlowRunListing {
  flowName?: string;
  /** With both, a run in any of these types or with any of these state names matches. */
  stateTypes: readonly StateType[];
  stateNames: readonly string[];
  /** Only the subflow runs of this flow run. */
  parentFlowRunId?: string;
  /** Only runs of deployments in this work pool. */
  workPool?: string;
  /** With `workPool`: only its runs of this queue. */
  workQueue?: string;
  limit: number;
}

export interface LogPage {
  afterId: number;
  limit: number;
  taskRunId?: string;
  minLevel?: number;
}

/** How a resume went: the run, Running again, or why it could not be resumed. */
export type ResumeAnswer =
  | { ok: true; run: FlowRun }
  | {
      ok: false;
      reason: 'NOT_FOUND' | 'NOT_PAUSED' | 'INVALID_INPUT';
      message: string;
      /** For INVALID_INPUT: each part of the input that does not fit the pause's schema. */
      issues: JsonSchemaIssue[];
    };

/** How answering a breakpoint went: the task run as the answer left it, or why nothing changed. */
export type BreakpointAnswerOutcome =
  | { ok: true; run: TaskRun }
  | {
      ok: false;
      /** NOT_AT_BREAKPOINT: the run is not held at one; INVALID_INPUT: the answer does not fit the run. */
      reason: 'NOT_FOUND' | 'NOT_AT_BREAKPOINT' | 'INVALID_INPUT';
      message: string;
    };

/** How continuing a flow run's breakpoints went: the task runs that went on, or why none did. */
export type ContinueFlowRunAnswer =
  { ok: true; continued: string[] } | { ok: false; reason: 'NOT_FOUND' | 'NOT_AT_BREAKPOINT' | 'INVALID_INPUT'; message: string };

/** How breaking a debug run as a whole went, or why it could not be. */
export type BreakFlowRunAnswer = { ok: true } | { ok: false; reason: 'NOT_FOUND' | 'REFUSED'; message: string };

/** What a person answers a task run held at a breakpoint with. */
export type BreakpointReply = { action: 'continue' | 'step'; inputs?: unknown[] } | { action: 'skip'; result: unknown } | { action: 'fail' };

/**
 * Where the run commands read and change runs: the local database in this process, or a
 * Flowdeck server over its API. Both hand out the same records, shaped as the API sends them,
 * so every command prints the same either way.
 */
export interface RunsSource {
  /** How often a command following a run asks again. */
  readonly pollIntervalMs: number;
  /** The full id of the run whose id is, or uniquely starts with, the text; or whether none or several do. */
  resolveRunId(kind: RunKind, idOrPrefix: string): Promise<{ id: string } | { problem: RunIdProblem }>;
  /** For each id, the shortest prefix of 8 or more characters no other run of the kind shares. */
  uniqueIdPrefixes(kind: RunKind, ids: readonly string[]): Promise<Map<string, string>>;
  /** Summaries, without parameters: `getFlowRun` has those. */
  listFlowRuns(listing: FlowRunListing): Promise<FlowRunSummary[]>;
  getFlowRun(id: string): Promise<FlowRun | null>;
  getTaskRun(id: string): Promise<TaskRun | null>;
  listTaskRuns(flowRunId: string): Promise<TaskRun[]>;
  /** A run's state history, oldest first. */
  listStates(kind: RunKind, runId: string): Promise<State[]>;
  /** Every task run's state history in a flow run, oldest first, by task run id. */
  listTaskRunHistories(flowRunId: string): Promise<Map<string, State[]>>;
  listLogs(flowRunId: string, page: LogPage): Promise<StoredLog[]>;
  cancelFlowRun(id: string): Promise<OrchestrationResult>;
  /** Makes a Failed, Crashed or Cancelled run AwaitingRetry; throws a UsageError saying why not otherwise. */
  retryFlowRun(id: string, message: string): Promise<FlowRun>;
  /** Resumes a Paused run, handing its process the input (undefined for none). */
  resumeFlowRun(id: string, input: unknown): Promise<ResumeAnswer>;
  /** Answers the breakpoint a task run is held at; nothing changes when the answer is refused. */
  answerBreakpoint(taskRunId: string, reply: BreakpointReply): Promise<BreakpointAnswerOutcome>;
  /** Continues (or steps) every task run of the flow run held at a breakpoint. */
  continueFlowRun(flowRunId: string, step: boolean): Promise<ContinueFlowRunAnswer>;
  /** Breaks a debug run as a whole: each of its task runs stops before it starts, until it is continued. */
  breakFlowRun(flowRunId: string): Promise<BreakFlowRunAnswer>;
  /** Marks Crashed the runs whose process died, where that is this command's job (locally). */
  sweepCrashedRuns(): Promise<void>;
  listConcurrencyLimits(): Promise<ConcurrencyLimit[]>;
  getConcurrencyLimit(tag: string): Promise<ConcurrencyLimit | null>;
  setConcurrencyLimit(tag: string, limit: number): Promise<ConcurrencyLimit>;
  /** False when the tag had no limit. */
  deleteConcurrencyLimit(tag: string): Promise<boolean>;
}
