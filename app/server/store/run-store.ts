import type { Flow, RunIdProblem } from '../../core/api/index.js';
import type { Dashboard } from '../../core/api/dashboard.js';
import type {
  ConcurrencyLimit,
  FlowRun,
  FlowRunFilter,
  FlowRunSummary,
  LogLine,
  OrchestrationResult,
  RunKind,
  RunReporter,
  SetState,
  State,
  StoredLog,
  TaskRun,
} from '../../core/index.js';
import type { ArtifactStore } from './artifact-store.js';
import type { AutomationStore } from './automation-store.js';
import type { BlockStore } from './block-store.js';
import type { DeploymentStore } from './deployment-store.js';
import type { VariableStore } from './variable-store.js';
import type { FlowRunCursor, FlowRunPageFilter } from './flow-run-page-query.js';
import type { ResumeOutcome, ResumeRecord } from './flow-run-resumes.js';
import type { BreakAllOutcome, BreakpointCommand, BreakpointOutcome, ContinueFlowRunOutcome } from './task-run-breakpoints.js';
import type { OperationOutcome, StoreOperation } from './group-commit.js';
import type { RowsAfter, StoredStateEntry } from './run-reads.js';
import type { WriteHealthChange, WriteProblem } from './write-health.js';

/** Which log lines of a flow run to read. */
export interface LogQuery {
  afterId?: number;
  beforeId?: number;
  limit?: number;
  taskRunId?: string;
  minLevel?: number;
  q?: string;
}

/**
 * The rows after an id that the server's event stream reads. Still answered at once: the stream's
 * catch-up counts on nothing being stored between its last page and the poller's next read.
 */
export interface EventReads {
  /** The highest states and logs row ids so far (0 when empty): where a stream with no cursor starts. */
  lastEventIds(): { stateId: number; logId: number };
  listStatesAfter(afterId: number, options: RowsAfter): StoredStateEntry[];
  listLogsAfter(afterId: number, options: RowsAfter): StoredLog[];
}

/**
 * Where runs are kept, as the server, the CLI and a local flow run use it: the engine's reports
 * (proposed transitions, heartbeats, log lines), a remote process's reports, reads of runs and
 * their histories, listings, logs and events, concurrency slots, cancels, pauses and resumes, breakpoints, the
 * sweep of crashed runs, whether writes are getting through, and deployments with their work
 * pools, workers and claims (see DeploymentStore), artifacts (ArtifactStore), variables
 * (VariableStore), blocks (BlockStore) and automations (AutomationStore). Every answer but the event stream's is a promise,
 * whether the store sits in this process (SQLite) or across a network (PostgreSQL).
 */
export interface RunStore extends RunReporter, EventReads, DeploymentStore, ArtifactStore, VariableStore, BlockStore, AutomationStore {
  /** The database the runs are in (a file's path, a server's address), for messages. */
  readonly location: string;

  // ---- reads ----
  getFlowRun(id: string): Promise<FlowRun | null>;
  getTaskRun(id: string): Promise<TaskRun | null>;
  hasFlowRun(id: string): Promise<boolean>;
  hasTaskRun(id: string): Promise<boolean>;
  /** The one run whose id is `idOrPrefix` or starts with it, or why there is none. */
  findRunId(kind: RunKind, idOrPrefix: string): Promise<{ id: string } | { problem: RunIdProblem }>;
  /** The shortest prefix of each id that no other run's id starts with, at least `minLength` long. */
  uniqueIdPrefixes(kind: RunKind, ids: readonly string[], minLength?: number): Promise<Map<string, string>>;
  listFlowRuns(filter?: FlowRunFilter & { stateNames?: readonly string[]; deploymentId?: string }): Promise<FlowRun[]>;
  listFlowRunPage(filter: FlowRunPageFilter): Promise<{ items: FlowRunSummary[]; next: FlowRunCursor | null }>;
  listFlows(): Promise<Flow[]>;
  listTaskRuns(flowRunId: string): Promise<TaskRun[]>;
  /** A run's state history, oldest first; flow and task run ids alike. */
  listStates(runId: string): Promise<State[]>;
  listTaskRunHistories(flowRunId: string): Promise<{ taskRunId: string; states: State[] }[]>;
  listLogs(flowRunId: string, query?: LogQuery): Promise<StoredLog[]>;
  countLogs(flowRunId: string): Promise<number>;
  /** The dashboard's figures over the last `hours`, cut into `buckets` slices of time. */
  dashboard(query: { hours: number; buckets: number }): Promise<Dashboard>;

  // ---- writes ----
  /**
   * Applies a remote process's report in one transaction: all of it is stored, or, when the
   * store cannot be written, none of it (a StoreError CANNOT_WRITE). An operation refused on its
   * own is answered in its place.
   */
  applyReport(operations: readonly StoreOperation[], logs: readonly LogLine[]): Promise<OperationOutcome[]>;
  /** Applies one transition now, on its own (for commands such as retry). */
  setStateNow(request: SetState): Promise<OrchestrationResult>;
  /** Leaves a flow run to whichever process starts it next. */
  releaseFlowRun(id: string): Promise<void>;
  /** Asks a run to stop: a run that has not started is Cancelled, a running one Cancelling. */
  cancelFlowRun(id: string): Promise<OrchestrationResult>;
  /** Moves a Paused run back to Running with `input` for its process to read. */
  resumeFlowRun(id: string, input?: unknown): Promise<ResumeOutcome>;
  /** The input a pause of the run was resumed with, or null. */
  resumeRecord(flowRunId: string, pauseId: string): Promise<ResumeRecord | null>;
  /** Answers the breakpoint a task run is held at (continue, step, skip, fail); nothing changes when the answer does not fit. */
  answerBreakpoint(taskRunId: string, command: BreakpointCommand): Promise<BreakpointOutcome>;
  /** Continues (or steps) every task run of the flow run held at a breakpoint, and ends a break of the whole run. */
  continueFlowRun(flowRunId: string, action?: 'continue' | 'step'): Promise<ContinueFlowRunOutcome>;
  /** Breaks a debug run as a whole: each of its task runs stops before it starts, until the run is continued. */
  breakAll(flowRunId: string): Promise<BreakAllOutcome>;
  /** Marks Crashed every run whose owning process is gone; returns how many flow runs it marked. */
  sweepCrashedRuns(): Promise<number>;

  // ---- concurrency slots ----
  setConcurrencyLimit(tag: string, limit: number): Promise<ConcurrencyLimit>;
  getConcurrencyLimit(tag: string): Promise<ConcurrencyLimit | null>;
  listConcurrencyLimits(): Promise<ConcurrencyLimit[]>;
  deleteConcurrencyLimit(tag: string): Promise<boolean>;

  // ---- health ----
  /** Why the store cannot be written now, or null when it can. */
  readonly writeProblem: WriteProblem | null;
  /** Listens for writes beginning to fail and succeeding again; returns a function that stops listening. */
  onWriteHealth(listener: (change: WriteHealthChange) => void): () => void;
}
