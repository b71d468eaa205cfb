import type { ClientServices, OrchestrationRule } from '../types.js';

/** A finished run is scheduled again only to be retried, so the new state must say so. */
export const retryOnlyUnsuccessfulRuns: OrchestrationRule<ClientServices> = {
  name: 'RetryOnlyUnsuccessfulRuns',
  runKinds: ['flow', 'task'],
  from: ['FAILED', 'CRASHED', 'CANCELLED'],
  to: ['SCHEDULED'],
  before(ctx) {
    if (ctx.proposed.name !== 'AwaitingRetry') {
      return { decision: 'reject', reason: `a finished run can only be scheduled again as AwaitingRetry`, code: 'NOT_A_RETRY' };
    }
  },
};
