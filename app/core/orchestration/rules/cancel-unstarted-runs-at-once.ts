import type { ClientServices, OrchestrationRule } from '../types.js';

/** A run asked to cancel before it started has no process to stop: it is Cancelled at once. */
export const cancelUnstartedRunsAtOnce: OrchestrationRule<ClientServices> = {
  name: 'CancelUnstartedRunsAtOnce',
  runKinds: ['flow'],
  from: ['SCHEDULED', 'PENDING'],
  to: ['CANCELLING'],
  before() {
    return { decision: 'accept', state: { type: 'CANCELLED', name: 'Cancelled', message: 'cancelled before it started' } };
  },
};
