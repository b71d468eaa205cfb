import { isTerminal } from '../../state-model.js';
import type { ClientServices, OrchestrationRule } from '../types.js';

/** A request to cancel (a proposed Cancelling) a run that has already finished is refused. */
export const refuseCancellingFinishedRuns: OrchestrationRule<ClientServices> = {
  name: 'RefuseCancellingFinishedRuns',
  runKinds: ['flow'],
  from: 'any',
  to: ['CANCELLING'],
  before(ctx) {
    if (ctx.initial && isTerminal(ctx.initial.type)) {
      return { decision: 'reject', reason: 'the run has already finished', code: 'RUN_FINISHED' };
    }
  },
};
