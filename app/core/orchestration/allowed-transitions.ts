import type { StateType } from '../states.js';

/**
 * Which state types may follow which, by type alone. Rules narrow this further; anything not
 * listed here is rejected before any other rule runs, except the checks for a resent transition
 * and for a second PENDING (which aborts instead, unless it is a task run's NotReady).
 */
export const ALLOWED_TRANSITIONS: Readonly<Record<StateType | 'NONE', readonly StateType[]>> = {
  // NONE to COMPLETED only for a task run reusing a recorded result: StartCompletedOnlyWithAReusedResult.
  NONE: ['SCHEDULED', 'PENDING', 'RUNNING', 'COMPLETED'],
  SCHEDULED: ['SCHEDULED', 'PENDING', 'RUNNING', 'COMPLETED', 'FAILED', 'CANCELLING', 'CANCELLED', 'CRASHED'],
  // PENDING to PENDING only as a task run's NotReady: RejectPendingDuplicates aborts any other.
  // PENDING to PAUSED, and PAUSED to PENDING or COMPLETED, only at a task run's breakpoint: KeepBreakpointMovesToBreakpoints.
  PENDING: ['SCHEDULED', 'PENDING', 'RUNNING', 'PAUSED', 'COMPLETED', 'FAILED', 'CANCELLING', 'CANCELLED', 'CRASHED'],
  RUNNING: ['SCHEDULED', 'PAUSED', 'CANCELLING', 'COMPLETED', 'FAILED', 'CANCELLED', 'CRASHED'],
  PAUSED: ['PENDING', 'RUNNING', 'CANCELLING', 'COMPLETED', 'CANCELLED', 'FAILED', 'CRASHED'],
  CANCELLING: ['CANCELLED', 'COMPLETED', 'FAILED', 'CRASHED'],
  // A finished run only moves again when it is retried as a whole.
  COMPLETED: [],
  FAILED: ['SCHEDULED'],
  CRASHED: ['SCHEDULED'],
  CANCELLED: ['SCHEDULED'],
};

export function isAllowedTransition(from: StateType | null, to: StateType): boolean {
  return ALLOWED_TRANSITIONS[from ?? 'NONE'].includes(to);
}
