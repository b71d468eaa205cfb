import { NOT_READY } from '../../state-model.js';
import type { ClientServices, OrchestrationRule } from '../types.js';

/**
 * A second PENDING for a run that already left SCHEDULED means two processes try to start it.
 * The one exception: a Pending task run whose upstream did not complete becomes NotReady.
 */
export const rejectPendingDuplicates: OrchestrationRule<ClientServices> = {
  name: 'RejectPendingDuplicates',
  runKinds: ['flow', 'task'],
  from: ['PENDING', 'RUNNING', 'CANCELLING', 'PAUSED'],
  to: ['PENDING'],
  before(ctx) {
    if (ctx.run.kind === 'task' && ctx.initial?.type === 'PENDING' && ctx.proposed.name === NOT_READY) return;
    return { decision: 'abort', reason: `the run is already ${ctx.initial?.name ?? 'started'}`, code: 'ALREADY_STARTED' };
  },
};
