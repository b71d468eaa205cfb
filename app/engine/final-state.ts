import { errorInfo } from './errors.js';
import { resolveFutures } from './resolve-futures.js';

/** How a flow's attempt ended once what it returned is judged. */
type ReturnedOutcome = { ok: true; value: unknown } | { ok: false; error: unknown; message: string };

/**
 * Prefect's final state rules for what a flow returned. Futures in it (alone, in a FutureList, or
 * inside arrays and plain objects) give their results, which become the flow's result. When any
 * of them did not complete the run fails with the first one's error, and its state says how many.
 * Task runs that failed without being returned leave the run Completed.
 */
export async function judgeReturnedValue(value: unknown): Promise<ReturnedOutcome> {
  const { value: resolved, futures, failed } = await resolveFutures(value);
  if (failed.length === 0) return { ok: true, value: resolved };
  const first = failed[0];
  const which = first.future ? `task run '${first.future.runName ?? first.future.taskName}'` : 'a map over a future';
  return {
    ok: false,
    error: first.error,
    message: `${failed.length}/${futures} returned task runs did not complete; ${which}: ${errorInfo(first.error).message}`,
  };
}
