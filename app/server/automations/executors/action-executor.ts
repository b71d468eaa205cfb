import type { Blocks } from '../../blocks/blocks.js';
import type { ClaimedDelivery } from '../../store/automation-store.js';
import type { RunStore } from '../../store/run-store.js';

/** What an action is done with: the store, blocks with their secrets, and the firing it belongs to. */
export interface ActionContext {
  store: RunStore;
  blocks: Blocks;
  automationName: string;
  /** The delivery being done: the same on every attempt at it. */
  deliveryId: string;
  firing: ClaimedDelivery['firing'];
  /** The web UI's page of a flow run. */
  runPageUrl: (flowRunId: string) => string;
}

export type ActionExecutor<A> = (action: A, context: ActionContext) => Promise<void>;

/** An action that trying again cannot help (its block or deployment is gone): it is failed at once. */
export class PermanentActionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PermanentActionError';
  }
}
