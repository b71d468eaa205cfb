import type { ClientServices, OrchestrationRule } from '../types.js';

/** A client that resends a transition it already made (after a lost reply) gets the same answer. */
export const preventDuplicateTransitions: OrchestrationRule<ClientServices> = {
  name: 'PreventDuplicateTransitions',
  runKinds: ['flow', 'task'],
  from: 'any',
  to: 'any',
  before(ctx) {
    if (ctx.run.lastTransitionId !== null && ctx.run.lastTransitionId === ctx.transitionId) {
      return { decision: 'duplicate' };
    }
  },
};
