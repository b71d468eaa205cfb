import { onAbort } from '../../abort-listeners.js';
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
  /** Ends the call's timeout: called once the call is over, so no timer outlives it. */
  release(): void;
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
  const reason = (): unknown => (run?.aborted ? run.reason : new TimeoutError(timeoutSeconds ?? 0, what));
  if (timeoutSeconds === undefined) return { signal: run ?? new AbortController().signal, reason, release: () => {} };
  // A timer and a controller of its own, held by the call: Node's AbortSignal.timeout joined with
  // AbortSignal.any is held weakly, and a garbage collection during the call can lose it unfired.
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(reason()), timeoutSeconds * 1000);
  const stopFollowing = run ? onAbort(run, () => controller.abort(run.reason)) : () => {};
  if (run?.aborted) controller.abort(run.reason);
  return {
    signal: controller.signal,
    reason,
    release: () => {
      clearTimeout(timer);
      stopFollowing();
    },
  };
}
