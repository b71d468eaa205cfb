import type { BreakpointAnswer } from './debugging.js';
import type { OrchestrationResult } from './orchestration/types.js';
import type { RecordedRuns } from './reuse.js';
import type { CreateFlowRun, CreateTaskRun, LogLine, SetState } from './runs.js';
import type { StateType } from './states.js';

/** What a paused flow run was resumed with. */
export interface ResumeInput {
  input?: unknown;
}

/**
 * How a running flow reports what happens to it. The engine only ever talks to this interface;
 * whoever starts a flow hands it an implementation: the local store, in-process, or a client of a
 * remote server. Calls made in the same tick may be committed together, and each promise settles
 * only once its transition is durable: stored, or for a remote server, journaled where the
 * reporter will deliver it from.
 */
export interface RunReporter {
  /** A short description for people, e.g. the database path or server URL. */
  readonly target: string;
  createFlowRun(request: CreateFlowRun): Promise<OrchestrationResult>;
  createTaskRun(request: CreateTaskRun): Promise<OrchestrationResult>;
  setState(request: SetState): Promise<OrchestrationResult>;
  /**
   * Optional: createTaskRun and setState with the answer handed to a callback, called as the
   * promise would settle (once durable, never before the call returns), instead of a promise. A
   * store in this process offers them: a large map makes three transitions per task run, and two
   * promises for each (the answer and whoever waits on it) cost more than the rest of it.
   */
  createTaskRunThen?(request: CreateTaskRun, answered: (result: OrchestrationResult) => void, failed: (error: unknown) => void): void;
  setStateThen?(request: SetState, answered: (result: OrchestrationResult) => void, failed: (error: unknown) => void): void;
  /** Log lines are buffered and written in batches, in order, before any later transition. */
  writeLogs(lines: LogLine[]): void;
  /** Records that these flow runs are alive and returns the state type each one is in now. */
  heartbeat(flowRunIds: readonly string[]): Promise<Map<string, StateType>>;
  /**
   * What a paused flow run was resumed with, for the pause whose Paused state carried `pauseId` as
   * its transition id: `{ input }` (no `input` when none was given), or null while not resumed.
   */
  resumeInput(flowRunId: string, pauseId: string): Promise<ResumeInput | null>;
  /**
   * The answers people gave to breakpoints of a flow run after the one numbered `afterId`, oldest
   * first. When there are none yet it waits, up to `waitMs`, and answers as soon as one is given
   * (pushed to it, not polled for), or with none once the time is up; it rejects when the signal fires.
   */
  breakpointAnswers(flowRunId: string, afterId: number, waitMs: number, signal?: AbortSignal): Promise<BreakpointAnswer[]>;
  /**
   * Breaks a debug run as a whole, as "pause all" does: each of its task runs that has not started
   * stops before it starts until the run is continued. Said by a run that went up to its task.
   */
  breakFlowRun(flowRunId: string): Promise<void>;
  /**
   * Every task run a flow run made, over all its attempts, with where each one's result was
   * recorded, for a re-run to match its calls against; null when there is no such flow run.
   */
  recordedRuns(flowRunId: string): Promise<RecordedRuns | null>;
  /** Resolves once everything reported so far is durable. */
  flush(): Promise<void>;
  close(): Promise<void>;
}
