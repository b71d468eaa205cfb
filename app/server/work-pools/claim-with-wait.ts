import type { ClaimedRun } from '../../core/api/work-pools.js';
import type { ClaimRequest, ClaimTarget, DeploymentStore } from '../store/deployment-store.js';

export interface ClaimWait {
  /** How long to wait for a run to come due when none is due now; 0 answers at once. */
  waitMs: number;
  /** Stops the wait (the client went away, the server is closing): answers with none. */
  signal: AbortSignal;
}

/**
 * Claims due runs; when none is due, waits for one (a long poll) and answers as soon as it is
 * claimed: woken by the store when runs may have become claimable, or by a timer at the time the
 * next waiting run is due, whichever comes first. Runs claimed for a client that went away in the
 * meantime are given back, so they do not wait for that worker to be declared silent.
 */
export async function claimWithWait(store: DeploymentStore, target: ClaimTarget, request: ClaimRequest, wait: ClaimWait): Promise<ClaimedRun[]> {
  const deadline = Date.now() + wait.waitMs;
  let changed: boolean;
  let wake: (() => void) | null = null;
  const rouse = () => {
    changed = true;
    wake?.();
  };
  // Listening before the first claim, so a run made between that claim and the wait is not missed.
  const stopListening = wait.waitMs > 0 ? store.onClaimableChange(rouse) : () => {};
  wait.signal.addEventListener('abort', rouse);
  // A due time already past that the last claim did not take: held back by a limit the store's
  // next due time does not see, so it is not waited for again at once.
  let heldBack: number | null = null;
  try {
    for (;;) {
      changed = false;
      const runs = await store.claimRuns(target, request);
      if (runs.length > 0) {
        if (wait.signal.aborted) {
          await store.releaseRuns(
            target,
            request.worker,
            runs.map((run) => run.flowRun.id),
          );
          return [];
        }
        return runs;
      }
      if (wait.signal.aborted || Date.now() >= deadline) return [];
      const due = await store.nextDueTime(target, request.queues);
      if (changed) continue;
      let wakeAt = due === null ? deadline : Math.min(due, deadline);
      if (due !== null && due <= Date.now()) {
        // Came due between the claim and this read: claim again at once, but only once for it.
        if (due !== heldBack) {
          heldBack = due;
          continue;
        }
        wakeAt = Math.min(Date.now() + HELD_BACK_RECHECK_MS, deadline);
      }
      // One millisecond past the due time, so the claim that follows finds the run due.
      await sleepUntilWoken(Math.max(0, wakeAt - Date.now()) + 1, (resolve) => {
        wake = resolve;
      });
      wake = null;
      if (wait.signal.aborted) return [];
    }
  } finally {
    stopListening();
    wait.signal.removeEventListener('abort', rouse);
  }
}

/** How often a claim whose due run is held back looks again, should no change tell it sooner. */
const HELD_BACK_RECHECK_MS = 1000;

/** Resolves after `ms`, or sooner when the function handed to `onWake` is called. */
function sleepUntilWoken(ms: number, onWake: (wake: () => void) => void): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    onWake(() => {
      clearTimeout(timer);
      resolve();
    });
  });
}
