import { BREAKPOINT, CONTINUED } from '../../debugging.js';
import { NOT_READY } from '../../state-model.js';
import type { ClientServices, OrchestrationRule } from '../types.js';

/**
 * A second PENDING for a run that already left SCHEDULED means two processes try to start it.
 * The exceptions: a Pending task run whose upstream did not complete becomes NotReady, and a task
 * run held at a breakpoint goes back to Pending as Continued.
 */
export const rejectPendingDuplicates: OrchestrationRule<ClientServices> = {
  name: 'RejectPendingDuplicates',
  runKinds: ['flow', 'task'],
  from: ['PENDING', 'RUNNING', 'CANCELLING', 'PAUSED'],
  to: ['PENDING'],
  before(ctx) {
    if (ctx.run.kind === 'task' && ctx.initial?.type === 'PENDING' && ctx.proposed.name === NOT_READY) return;
    if (ctx.run.kind === 'task' && ctx.initial?.name === BREAKPOINT && ctx.proposed.name === CONTINUED) return;
    return { decision: 'abort', reason: `the run is already ${ctx.initial?.name ?? 'started'}`, code: 'ALREADY_STARTED' };
  },
};
