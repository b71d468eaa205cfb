import { isTerminal, type StateType } from '../state-model.js';
import type { ProposedState, State } from '../states.js';

export interface RunTiming {
  runCount: number;
  startTime: number | null;
  endTime: number | null;
}

/** What an accepted transition changes on the run itself: attempts and start and end times. */
export function advanceRunTiming(timing: RunTiming, from: StateType | null, to: StateType, now: number): RunTiming {
  const entersRunning = to === 'RUNNING' && from !== 'RUNNING' && from !== 'PAUSED';
  return {
    runCount: entersRunning ? timing.runCount + 1 : timing.runCount,
    startTime: timing.startTime ?? (to === 'RUNNING' ? now : null),
    endTime: isTerminal(to) ? now : to === 'SCHEDULED' || to === 'RUNNING' ? null : timing.endTime,
  };
}

/** The attempt a state belongs to: the run's attempt count, counting a not-yet-started run as 1. */
export function attemptOf(runCount: number): number {
  return Math.max(1, runCount);
}

/** The state an accepted proposal becomes, dated `at`, in the attempt the run is now in. */
export function acceptedState(proposed: ProposedState, at: number, runCount: number, transitionId: string): State {
  const attempt = attemptOf(runCount);
  // Most states carry no message, error nor scheduled time: they are made in one piece, which
  // costs less than adding properties one by one. The keys come in the same order either way.
  const state: State =
    proposed.message === undefined && proposed.error === undefined && proposed.scheduledTime === undefined
      ? { type: proposed.type, name: proposed.name, timestamp: at, attempt, transitionId }
      : stateWithDetails(proposed, at, attempt, transitionId);
  if (proposed.cacheKey !== undefined) state.cacheKey = proposed.cacheKey;
  if (proposed.resultRef !== undefined) state.resultRef = proposed.resultRef;
  return state;
}

function stateWithDetails(proposed: ProposedState, at: number, attempt: number, transitionId: string): State {
  const state: State = { type: proposed.type, name: proposed.name, timestamp: at, attempt };
  if (proposed.message !== undefined) state.message = proposed.message;
  if (proposed.error !== undefined) state.error = proposed.error;
  if (proposed.scheduledTime !== undefined) state.scheduledTime = proposed.scheduledTime;
  state.transitionId = transitionId;
  return state;
}

/**
 * When an accepted state is dated: when the client saw it happen if it says so, but never later
 * than the store's clock nor earlier than the run's previous state, so a history stays in order.
 */
export function stateTime(proposed: ProposedState, previous: State | null, now: number): number {
  if (proposed.observedAt === undefined) return now;
  return Math.min(now, Math.max(previous?.timestamp ?? proposed.observedAt, proposed.observedAt));
}

export type { State };
