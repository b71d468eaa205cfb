import { AsyncLocalStorage } from 'node:async_hooks';
import type { OrchestrationResult, ProposedState } from '../core/index.js';
import type { RunLogger } from './logger.js';
import type { CountedWork } from './counted-work.js';
import type { StoredStates } from './stored-states.js';
import type { DebugSession } from './debug-session.js';
import type { ResultJournal } from './result-journal.js';
import type { ReusePlan } from './reuse-plan.js';
import type { TaskRunner } from './task-runners/task-runner.js';
import type { ResultLinks } from './upstream-links.js';

/** What the engine knows about a flow run while it executes. */
export interface FlowRunFrame {
  kind: 'flow';
  flowRunId: string;
  flowRunName: string;
  flowName: string;
  parameters: Record<string, unknown>;
  attempt: number;
  signal: AbortSignal;
  logger: RunLogger;
  logPrints: boolean;
  taskRunner: TaskRunner;
  /** Next dynamic key per task key: the position of each run of a task within this flow run. */
  dynamicKeys: Map<string, number>;
  /** What this flow run waits for before it ends: subflows, maps waiting to start their runs, and the counted work below. */
  outstanding: Set<Promise<unknown>>;
  /** Task runs started in this flow run that have not settled yet; they count as outstanding work. */
  unsettledRuns: CountedWork;
  /** Completed states of task runs not yet answered; they count as outstanding work. */
  pendingRecords: CountedWork;
  /** The task run each result object came from, so passing it on links the two runs. */
  resultLinks: ResultLinks;
  /**
   * Why the final state of a task run of this attempt could not be recorded, once one could not:
   * the store's record of the attempt is then incomplete, so the attempt cannot count as a success.
   */
  unrecorded: { error: unknown } | null;
  /** Proposes a state for the flow run from its own code (a pause), under this transition id. */
  proposeOwnState(state: ProposedState, transitionId: string): Promise<OrchestrationResult>;
  /** What the heartbeat reads from the store for this flow run. */
  storedStates: StoredStates;
  /** Set in a debug run: where its task runs stop, and the answers people give. */
  debug: DebugSession | null;
  /** Set in a re-run (a retry, a run from a chosen task): which calls reuse recorded results. */
  reuse: ReusePlan | null;
  /** Where this flow run records its task runs' results, for a later run to reuse. */
  journal: ResultJournal;
}

export interface TaskRunFrame {
  kind: 'task';
  taskRunId: string;
  taskRunName: string;
  taskKey: string;
  attempt: number;
  signal: AbortSignal;
  logger: RunLogger;
  logPrints: boolean;
  flowRun: FlowRunFrame;
}

export type RunFrame = FlowRunFrame | TaskRunFrame;

export const runStorage = new AsyncLocalStorage<RunFrame>();

export function currentFrame(): RunFrame | undefined {
  return runStorage.getStore();
}

export function currentFlowRun(): FlowRunFrame | undefined {
  const frame = runStorage.getStore();
  if (!frame) return undefined;
  return frame.kind === 'flow' ? frame : frame.flowRun;
}

/** What flow code sees of the run it is in: `getRunContext()`. */
export interface RunContext {
  flowRun: { id: string; name: string; flowName: string; parameters: Record<string, unknown>; attempt: number };
  taskRun?: { id: string; name: string; taskKey: string; attempt: number };
  /** Fires when the run times out or is cancelled; pass it to fetch and other cancellable work. */
  signal: AbortSignal;
}

export function getRunContext(): RunContext {
  const frame = runStorage.getStore();
  if (!frame) throw new Error('getRunContext() was called outside a flow or task run');
  const flow = frame.kind === 'flow' ? frame : frame.flowRun;
  const context: RunContext = {
    flowRun: {
      id: flow.flowRunId,
      name: flow.flowRunName,
      flowName: flow.flowName,
      parameters: flow.parameters,
      attempt: flow.attempt,
    },
    signal: frame.signal,
  };
  if (frame.kind === 'task') {
    context.taskRun = { id: frame.taskRunId, name: frame.taskRunName, taskKey: frame.taskKey, attempt: frame.attempt };
  }
  return context;
}
