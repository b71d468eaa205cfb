import type { ClientServices, OrchestrationRule } from '../types.js';

/** A run being cancelled is asked once: its process may still be stopping, and must not be marked Cancelled under it. */
export const refuseCancellingTwice: OrchestrationRule<ClientServices> = {
  name: 'RefuseCancellingTwice',
  runKinds: ['flow'],
  from: ['CANCELLING'],
  to: ['CANCELLING'],
  before() {
    return { decision: 'reject', reason: 'the run is already being cancelled', code: 'ALREADY_CANCELLING' };
  },
};
