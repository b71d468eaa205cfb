import type { OrchestrationRule } from '../types.js';

/** A second PENDING for a run that already left SCHEDULED means two processes try to start it. */
export const rejectPendingDuplicates: OrchestrationRule = {
  name: 'RejectPendingDuplicates',
  runKinds: ['flow', 'task'],
  from: ['PENDING', 'RUNNING', 'CANCELLING', 'PAUSED'],
  to: ['PENDING'],
  apply(ctx) {
    return { decision: 'abort', reason: `the run is already ${ctx.initial?.name ?? 'started'}` };
  },
};
