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
import type { FlowRunCursor, FlowRunPageFilter } from './flow-run-page-query.js';
import type { ResumeOutcome, ResumeRecord } from './flow-run-resumes.js';
import type { OperationOutcome, StoreOperation } from './group-commit.js';
import type { RowsAfter, StoredStateEntry } from './run-reads.js';
import type { WriteHealthChange, WriteProblem } from './write-health.js';

/**
 * What a store answers: at once when it sits in this process (SQLite), later when it is across a
 * network (PostgreSQL). Whoever holds a `RunStore` awaits every answer, so either will do.
 */
export type StoreAnswer<T> = T | Promise<T>;

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
 * their histories, listings, logs and events, concurrency slots, cancels, pauses and resumes, the
 * sweep of crashed runs, and whether writes are getting through.
 */
export interface RunStore extends RunReporter, EventReads {
  /** The database the runs are in (a file's path, a server's address), for messages. */
  readonly location: string;

  // ---- reads ----
  getFlowRun(id: string): StoreAnswer<FlowRun | null>;
  getTaskRun(id: string): StoreAnswer<TaskRun | null>;
  hasFlowRun(id: string): StoreAnswer<boolean>;
  hasTaskRun(id: string): StoreAnswer<boolean>;
  /** The one run whose id is `idOrPrefix` or starts with it, or why there is none. */
  findRunId(kind: RunKind, idOrPrefix: string): StoreAnswer<{ id: string } | { problem: RunIdProblem }>;
  /** The shortest prefix of each id that no other run's id starts with, at least `minLength` long. */
  uniqueIdPrefixes(kind: RunKind, ids: readonly string[], minLength?: number): StoreAnswer<Map<string, string>>;
  listFlowRuns(filter?: FlowRunFilter & { stateNames?: readonly string[] }): StoreAnswer<FlowRun[]>;
  listFlowRunPage(filter: FlowRunPageFilter): StoreAnswer<{ items: FlowRunSummary[]; next: FlowRunCursor | null }>;
  listFlows(): StoreAnswer<Flow[]>;
  listTaskRuns(flowRunId: string): StoreAnswer<TaskRun[]>;
  /** A run's state history, oldest first; flow and task run ids alike. */
  listStates(runId: string): StoreAnswer<State[]>;
  listTaskRunHistories(flowRunId: string): StoreAnswer<{ taskRunId: string; states: State[] }[]>;
  listLogs(flowRunId: string, query?: LogQuery): StoreAnswer<StoredLog[]>;
  countLogs(flowRunId: string): StoreAnswer<number>;
  /** The dashboard's figures over the last `hours`, cut into `buckets` slices of time. */
  dashboard(query: { hours: number; buckets: number }): StoreAnswer<Dashboard>;

  // ---- writes ----
  /**
   * Applies a remote process's report in one transaction: all of it is stored, or, when the
   * store cannot be written, none of it (a StoreError CANNOT_WRITE). An operation refused on its
   * own is answered in its place.
   */
  applyReport(operations: readonly StoreOperation[], logs: readonly LogLine[]): StoreAnswer<OperationOutcome[]>;
  /** Applies one transition now, on its own (for commands such as retry). */
  setStateNow(request: SetState): StoreAnswer<OrchestrationResult>;
  /** Leaves a flow run to whichever process starts it next. */
  releaseFlowRun(id: string): StoreAnswer<void>;
  /** Asks a run to stop: a run that has not started is Cancelled, a running one Cancelling. */
  cancelFlowRun(id: string): StoreAnswer<OrchestrationResult>;
  /** Moves a Paused run back to Running with `input` for its process to read. */
  resumeFlowRun(id: string, input?: unknown): StoreAnswer<ResumeOutcome>;
  /** The input a pause of the run was resumed with, or null. */
  resumeRecord(flowRunId: string, pauseId: string): StoreAnswer<ResumeRecord | null>;
  /** Marks Crashed every run whose owning process is gone; returns how many flow runs it marked. */
  sweepCrashedRuns(): StoreAnswer<number>;

  // ---- concurrency slots ----
  setConcurrencyLimit(tag: string, limit: number): StoreAnswer<ConcurrencyLimit>;
  getConcurrencyLimit(tag: string): StoreAnswer<ConcurrencyLimit | null>;
  listConcurrencyLimits(): StoreAnswer<ConcurrencyLimit[]>;
  deleteConcurrencyLimit(tag: string): StoreAnswer<boolean>;

  // ---- health ----
  /** Why the store cannot be written now, or null when it can. */
  readonly writeProblem: WriteProblem | null;
  /** Listens for writes beginning to fail and succeeding again; returns a function that stops listening. */
  onWriteHealth(listener: (change: WriteHealthChange) => void): () => void;
}
