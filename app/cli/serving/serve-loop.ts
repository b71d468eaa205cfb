import { hostname } from 'node:os';
import type { ClaimedRun } from '../../core/api/work-pools.js';
import type { Deployment } from '../../core/api/deployments.js';
import { newId } from '../../core/ids.js';
import { engineSettings } from '../../engine/hosting.js';
import type { AnyFlow } from '../flow-files/load-flow-file.js';
import { retryReuse } from '../flow-files/retry-reuse.js';
import { DeploymentGoneError, type ServeBackend } from './serve-backend.js';

/** A claim waits this long for a run to come due before it asks again; stopping ends the wait at once. */
const CLAIM_WAIT_MS = 10_000;
/** After a claim failed (the server restarting, a network hiccup), the next waits this long, then longer, up to the most. */
const RETRY_FIRST_MS = 500;
const RETRY_MOST_MS = 10_000;

export interface ServeLoopEvents {
  started(run: ClaimedRun): void;
  ended(run: ClaimedRun, outcome: { state: string } | { error: unknown }): void;
  claimFailed(error: unknown, retryInMs: number): void;
  /** The deployment was deleted: the loop takes no more runs. */
  gone(error: DeploymentGoneError): void;
  note(text: string): void;
}

/**
 * Takes the due runs of a served deployment and runs each in this process, up to `limit` at once:
 * it asks for as many as it has free slots, waiting on the server (a long poll) for the next one
 * to come due. `stop()` ends the taking at once; `done` resolves when the runs under way have ended.
 */
export class ServeLoop {
  readonly worker = `serve-${hostname()}-${process.pid}`;
  readonly done: Promise<void>;
  private readonly stopping = new AbortController();
  /** Resolves once stop() is called. */
  private readonly stopped: Promise<void>;
  private readonly running = new Set<Promise<void>>();

  constructor(
    private readonly backend: ServeBackend,
    private readonly deployment: Deployment,
    private readonly flow: AnyFlow,
    private readonly limit: number,
    private readonly events: ServeLoopEvents,
  ) {
    this.stopped = new Promise((resolve) => this.stopping.signal.addEventListener('abort', () => resolve(), { once: true }));
    this.done = this.loop();
  }

  get runningCount(): number {
    return this.running.size;
  }

  stop(): void {
    this.stopping.abort();
  }

  private async loop(): Promise<void> {
    const signal = this.stopping.signal;
    let retryMs = RETRY_FIRST_MS;
    while (!signal.aborted) {
      const free = this.limit - this.running.size;
      if (free === 0) {
        await Promise.race([...this.running, this.stopped]);
        continue;
      }
      let claimed: ClaimedRun[];
      try {
        claimed = await this.backend.claim(this.deployment, { worker: this.worker, limit: free, waitMs: CLAIM_WAIT_MS, signal });
        retryMs = RETRY_FIRST_MS;
      } catch (error) {
        if (signal.aborted) break;
        if (error instanceof DeploymentGoneError) {
          this.events.gone(error);
          this.stop();
          break;
        }
        this.events.claimFailed(error, retryMs);
        await Promise.race([delay(retryMs), this.stopped]);
        retryMs = Math.min(retryMs * 2, RETRY_MOST_MS);
        continue;
      }
      // Runs claimed are this process's to run, even when it was told to stop while they came.
      for (const run of claimed) this.start(run);
    }
    await Promise.all(this.running);
  }

  private start(claimed: ClaimedRun): void {
    const execution = this.execute(claimed).finally(() => this.running.delete(execution));
    this.running.add(execution);
  }

  private async execute(claimed: ClaimedRun): Promise<void> {
    const run = claimed.flowRun;
    this.events.started(claimed);
    try {
      // A retried run's attempt reuses the completed tasks of the earlier ones, as a retry does anywhere.
      const reuse = await retryReuse(run.id, await this.backend.runStates(run.id), (text) => this.events.note(text));
      const outcome = await this.flow.run(run.parameters, {
        flowRunId: run.id,
        flowRunName: run.name,
        entrypoint: claimed.deployment.entrypoint,
        ...(reuse ? { reuse } : {}),
      });
      this.events.ended(claimed, { state: outcome.state.name });
    } catch (error) {
      // Refused before it started (its parameters do not fit the flow): it must not wait as Pending for ever.
      await failUnstarted(run.id, error).catch(() => {});
      this.events.ended(claimed, { error });
    }
  }
}

async function failUnstarted(flowRunId: string, error: unknown): Promise<void> {
  const message = error instanceof Error ? error.message : String(error);
  await engineSettings().reporter?.setState({
    kind: 'flow',
    runId: flowRunId,
    state: { type: 'FAILED', name: 'Failed', message: `the serve process could not start the run: ${message}` },
    transitionId: newId(),
  });
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
