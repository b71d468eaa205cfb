/**
 * Debugging real runs: the names of the states a debug run adds, and what a person answers a
 * breakpoint with. Plain types, so the engine's run path loads no schema library for them.
 */

/** A task run paused before it starts (or after its last attempt failed) by a debug run. */
export const BREAKPOINT = 'Breakpoint';
/** A task run a person skipped at a breakpoint: it never ran, its result is the one they gave. */
export const SKIPPED = 'Skipped';
/** A task run a debug run did not execute: its result is the node's pinned output. */
export const PINNED = 'Pinned';
/** The Pending state a task run goes back to when a person lets it go on from a breakpoint. */
export const CONTINUED = 'Continued';

/**
 * What a person does at a breakpoint: `continue` to the next breakpoint, `step` (run this task
 * run, then pause before the next task run of the flow run starts), `skip` with a given result, or,
 * at a breakpoint on a failure, `fail` (let it fail as it would have). An answer to the whole flow
 * run (no task run, no breakpoint) is `break` ("break all": stop every task run before it starts)
 * or `continue` (stop doing so).
 */
export const BREAKPOINT_ACTIONS = ['continue', 'step', 'skip', 'fail', 'break'] as const;
export type BreakpointAction = (typeof BREAKPOINT_ACTIONS)[number];

/** What a person answered one breakpoint with, as the task run's process reads it. */
export interface BreakpointAnswer {
  /** Grows with every answer in the store: a process reads the answers after the last it saw. */
  id: number;
  flowRunId: string;
  /** Empty for an answer to the whole flow run. */
  taskRunId: string;
  /** The transition id of the Breakpoint state it answers; empty for an answer to the whole flow run. */
  breakpointId: string;
  action: BreakpointAction;
  /** With continue or step: the arguments to run the task with instead of its own. */
  inputs?: unknown[];
  /** With skip: the task run's result. */
  result?: unknown;
  answeredAt: number;
}

/** What a debug run pauses at and what it does not run. */
export interface DebugOptions {
  /** Names of tasks whose runs pause before they start. */
  breakpoints?: readonly string[];
  /** Pause before every task run starts. */
  step?: boolean;
  /** A task run whose last attempt fails pauses there instead of failing. */
  breakOnFailure?: boolean;
  /** Results by task name: a run of a pinned task does not execute and completes with its pin. */
  pins?: Readonly<Record<string, unknown>>;
  /**
   * Names of tasks to run up to ("Run to here"): once a run of one completes, the run breaks as a
   * whole, each later task run stopping before it starts, until the run is continued.
   */
  stopAfter?: readonly string[];
}

/** Whether a state is a task run held at a breakpoint. */
export function isAtBreakpoint(state: { type: string; name: string } | null | undefined): boolean {
  return state?.type === 'PAUSED' && state.name === BREAKPOINT;
}
