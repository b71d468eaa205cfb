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
