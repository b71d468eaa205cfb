import { isTerminal, type State, type StateType } from '../states.js';

export interface RunTiming {
  runCount: number;
  startTime: number | null;
  endTime: number | null;
}

/** What an accepted transition changes on the run itself: attempts and start and end times. */
export function advanceRunTiming(
  timing: RunTiming,
  from: StateType | null,
  to: StateType,
  now: number,
): RunTiming {
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

export type { State };
