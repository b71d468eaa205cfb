import type { RunStore } from '../store/run-store.js';
import { StoreError } from '../store/store-error.js';

/**
 * Marks Crashed, every `intervalMs`, the runs whose process stopped heartbeating for longer than
 * the store's heartbeat timeout, so a run is marked at most one interval after its timeout.
 * Returns a function that stops it.
 */
export function startCrashSweeps(store: RunStore, intervalMs: number, onError: (error: unknown) => void): () => void {
  async function sweep(): Promise<void> {
    try {
      await store.sweepCrashedRuns();
    } catch (error) {
      // A sweep that failed (a busy database, say) is simply tried again at the next tick. One
      // that could not write is already told of by the store's write health, once.
      if (!(error instanceof StoreError && error.code === 'CANNOT_WRITE')) onError(error);
    }
  }
  const timer = setInterval(() => void sweep(), intervalMs);
  // The server's socket keeps the process alive, not this timer.
  timer.unref();
  return () => clearInterval(timer);
}
