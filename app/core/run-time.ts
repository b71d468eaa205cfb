import type { State } from './states.js';

/**
 * How long a run has spent running: the sum of its RUNNING intervals (Running, Retrying), as
 * Prefect's total_run_time. Waits between retries, for a concurrency slot or while paused are
 * left out. A run RUNNING now counts up to `now`. Null for a run that never ran. `states` is the
 * run's history, oldest first.
 */
export function runTime(states: readonly Pick<State, 'type' | 'timestamp'>[], now: number): number | null {
  let total: number | null = null;
  states.forEach((state, index) => {
    if (state.type !== 'RUNNING') return;
    const end = index + 1 < states.length ? states[index + 1].timestamp : now;
    total = (total ?? 0) + Math.max(0, end - state.timestamp);
  });
  return total;
}

/** From a run's first start to its end, or to `now` while it goes on: waits between attempts included. */
export function elapsedTime(run: { startTime: number | null; endTime: number | null }, now: number): number | null {
  if (run.startTime === null) return null;
  return (run.endTime ?? now) - run.startTime;
}
