import { LATE_AFTER_MS } from '../scheduling/catch-up.js';
import type { DeploymentStore } from '../store/deployment-store.js';
import { StoreError } from '../store/store-error.js';

/**
 * Every `intervalMs`: names Late the deployment runs still Scheduled more than LATE_AFTER_MS after
 * their time, and gives back the runs claimed by workers gone silent, for other workers to take.
 * Resolves, when stopped, once the round under way has ended.
 */
export function startDeploymentUpkeep(store: DeploymentStore, intervalMs: number, onError: (error: unknown) => void): () => Promise<void> {
  let running: Promise<void> | null = null;
  async function attempt(work: () => Promise<unknown>): Promise<void> {
    try {
      await work();
    } catch (error) {
      // Tried again at the next round; a store that cannot write is told of by its write health.
      if (!(error instanceof StoreError && error.code === 'CANNOT_WRITE')) onError(error);
    }
  }
  async function round(): Promise<void> {
    await attempt(() => store.markLateRuns(LATE_AFTER_MS));
    await attempt(() => store.releaseClaimsOfSilentWorkers());
  }
  const timer = setInterval(() => {
    // A round slower than the interval is not overlapped by the next.
    if (running) return;
    running = round().finally(() => {
      running = null;
    });
  }, intervalMs);
  timer.unref();
  return async () => {
    clearInterval(timer);
    await running;
  };
}
