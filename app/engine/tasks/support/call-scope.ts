import { currentFrame } from '../../context.js';
import { TimeoutError } from '../../errors.js';

/** When one call of a built-in task must stop: its run's signal, joined with its own timeout. */
export interface CallScope {
  signal: AbortSignal;
  /**
   * Why the call stopped, for an error raised because the signal fired: the run's own reason
   * (a cancellation, the task's timeout), or a TimeoutError naming the call.
   */
  reason(): unknown;
}

/** Refuses a timeout that is not a positive number of seconds, naming the task. */
export function checkTimeout(taskName: string, seconds: number | undefined): void {
  if (seconds !== undefined && !(typeof seconds === 'number' && seconds > 0 && Number.isFinite(seconds))) {
    throw new TypeError(`${taskName}: timeoutSeconds must be a positive number of seconds, got ${String(seconds)}`);
  }
}

/** The scope of one call; outside a run only the timeout applies. `what` names the call in its timeout error. */
export function callScope(what: string, timeoutSeconds: number | undefined): CallScope {
  const run = currentFrame()?.signal;
  const timeout = timeoutSeconds === undefined ? undefined : AbortSignal.timeout(timeoutSeconds * 1000);
  const signals = [run, timeout].filter((s): s is AbortSignal => s !== undefined);
  const signal = signals.length === 0 ? new AbortController().signal : signals.length === 1 ? signals[0] : AbortSignal.any(signals);
  return {
    signal,
    reason: (): unknown => (run?.aborted ? run.reason : new TimeoutError(timeoutSeconds ?? 0, what)),
  };
}
