import type { Blocks } from '../blocks/blocks.js';
import { executeAction, PermanentActionError } from '../automations/executors/index.js';
import type { ClaimedDelivery, DeliveryOutcome } from '../store/automation-store.js';
import type { RunStore } from '../store/run-store.js';
import { StoreError } from '../store/store-error.js';

export interface AutomationServiceOptions {
  /** How often new states are matched and due deliveries taken. */
  intervalMs: number;
  /** The web UI's page of a flow run, for notifications to link to. */
  runPageUrl: (flowRunId: string) => string;
  onError: (error: unknown) => void;
  /** The wait before the first retry, doubled for each one after it up to `maxRetryDelayMs`. */
  firstRetryDelayMs?: number;
  maxRetryDelayMs?: number;
  /** Attempts in all before a delivery is failed with its last error. */
  maxAttempts?: number;
  /** A delivery taken by a server that died is taken again once this has passed. */
  leaseMs?: number;
}

const DEFAULTS = { firstRetryDelayMs: 1000, maxRetryDelayMs: 5 * 60_000, maxAttempts: 10, leaseMs: 2 * 60_000 };
const DELIVERIES_PER_ROUND = 20;

/** The wait before attempt `attempt + 1`: 1 s, 2 s, 4 s, ... up to the cap. */
export function retryDelayMs(attempt: number, first: number, max: number): number {
  return Math.min(max, first * 2 ** Math.max(0, attempt - 1));
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * Every `intervalMs`: records the firings of the flow-run states stored since the last round, then
 * does the deliveries that are due. A delivery is written down before it is done and marked done
 * after; one that fails is tried again with exponential backoff, then failed with its error kept.
 * Resolves, when stopped, once the round under way has ended.
 */
export function startAutomations(store: RunStore, blocks: Blocks, options: AutomationServiceOptions): () => Promise<void> {
  const settings = { ...DEFAULTS, ...options };
  let running: Promise<void> | null = null;
  let stopped = false;

  async function deliver(delivery: ClaimedDelivery): Promise<void> {
    let outcome: DeliveryOutcome;
    try {
      await executeAction(delivery.action, {
        store,
        blocks,
        automationName: delivery.automationName,
        deliveryId: delivery.id,
        firing: delivery.firing,
        runPageUrl: settings.runPageUrl,
      });
      outcome = { kind: 'done' };
    } catch (error) {
      const text = errorText(error);
      outcome =
        error instanceof PermanentActionError || delivery.attempt >= settings.maxAttempts
          ? { kind: 'failed', error: text }
          : { kind: 'retry', error: text, delayMs: retryDelayMs(delivery.attempt, settings.firstRetryDelayMs, settings.maxRetryDelayMs) };
    }
    await store.finishDelivery(delivery.id, outcome);
  }

  async function attempt(work: () => Promise<unknown>): Promise<void> {
    try {
      await work();
    } catch (error) {
      // Tried again at the next round; a store that cannot write is told of by its write health.
      if (!(error instanceof StoreError && error.code === 'CANNOT_WRITE')) settings.onError(error);
    }
  }

  async function round(): Promise<void> {
    await attempt(() => store.recordFirings());
    if (stopped) return;
    await attempt(async () => {
      const due = await store.claimDeliveries(settings.leaseMs, DELIVERIES_PER_ROUND);
      await Promise.all(due.map((delivery) => attempt(() => deliver(delivery))));
    });
  }

  const tick = (): void => {
    // A round slower than the interval is not overlapped by the next.
    if (running || stopped) return;
    running = round().finally(() => {
      running = null;
    });
  };
  const timer = setInterval(tick, settings.intervalMs);
  timer.unref();
  tick();
  return async () => {
    stopped = true;
    clearInterval(timer);
    await running;
  };
}
