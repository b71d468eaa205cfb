import type { StateType } from '../../core/index.js';

/** States of a deployment's run that hold a slot of its pool, queue and deployment limits: claimed and not ended. */
export const ACTIVE_RUN_TYPES: readonly StateType[] = ['PENDING', 'RUNNING', 'CANCELLING', 'PAUSED'];

/** A Scheduled run made by a deployment, waiting for its time or a worker. */
export const SCHEDULED_NAME = 'Scheduled';
/** A Scheduled run still not started some seconds after its time. */
export const LATE_NAME = 'Late';
/** A due run held back by a full concurrency limit of its deployment. */
export const AWAITING_SLOT_NAME = 'AwaitingConcurrencySlot';

/** The names of a Scheduled deployment run a worker may claim once it is due. */
export const CLAIMABLE_NAMES: readonly string[] = [SCHEDULED_NAME, LATE_NAME, AWAITING_SLOT_NAME];
/**
 * A run retried after it ended. A worker may claim it only once no process owns it: a flow's own
 * retries also wait as AwaitingRetry, inside the process that goes on to run them.
 */
export const AWAITING_RETRY_NAME = 'AwaitingRetry';
