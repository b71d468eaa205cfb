import { planCatchUp } from '../scheduling/catch-up.js';
import { planRunsAhead } from '../scheduling/plan-runs.js';
import type { DeploymentStore } from '../store/deployment-store.js';
import { StoreError } from '../store/store-error.js';

export interface Scheduler {
  /** Runs a pass at once (after the one under way, if any), for schedules that just changed. */
  poke(): void;
  /** Stops passes; resolves once the one under way has ended. */
  stop(): Promise<void>;
}

/**
 * Makes the Scheduled runs of every active schedule ahead of time: a pass at start, then every
 * `intervalMs`, and at once when poked. The first pass that succeeds also settles, by each
 * deployment's catch-up rule, the runs missed while the server was down.
 */
export function startScheduler(store: DeploymentStore, intervalMs: number, onError: (error: unknown) => void): Scheduler {
  let caughtUp = false;
  let stopped = false;
  let running: Promise<void> | null = null;
  let again = false;
  let timer: NodeJS.Timeout | null = null;

  async function pass(): Promise<void> {
    const targets = await store.listScheduleTargets();
    const now = Date.now();
    if (caughtUp) {
      const runs = planRunsAhead(targets, now);
      if (runs.length > 0) await store.scheduleRuns(runs);
      return;
    }
    const catchUp = planCatchUp(targets, now);
    if (catchUp.runs.length > 0) await store.scheduleRuns(catchUp.runs);
    for (const skip of catchUp.skips) await store.skipMissedRuns(skip.deploymentId, skip.before, skip.keepLatest);
    const runs = planRunsAhead(targets, now, catchUp.settledUntil);
    if (runs.length > 0) await store.scheduleRuns(runs);
    caughtUp = true;
  }

  function run(): void {
    if (stopped) return;
    if (running) {
      again = true;
      return;
    }
    if (timer) clearTimeout(timer);
    running = pass()
      .catch((error: unknown) => {
        // A pass that failed is tried again at the next; one that could not write is told of by the store's write health.
        if (!(error instanceof StoreError && error.code === 'CANNOT_WRITE')) onError(error);
      })
      .finally(() => {
        running = null;
        if (stopped) return;
        if (again) {
          again = false;
          run();
          return;
        }
        timer = setTimeout(run, intervalMs);
        // The server's socket keeps the process alive, not this timer.
        timer.unref();
      });
  }

  run();
  return {
    poke: run,
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      await running;
    },
  };
}
