import type { StateType } from '../../states.js';
import { isAllowedTransition } from '../allowed-transitions.js';
import type { ClientServices, OrchestrationRule } from '../types.js';

/** States of a run that was stopped from outside: a client refused a move from one stops too. */
const STOPPED: readonly (StateType | null)[] = ['CANCELLING', 'CANCELLED', 'CRASHED'];

export const enforceAllowedTransitions: OrchestrationRule<ClientServices> = {
  name: 'EnforceAllowedTransitions',
  runKinds: ['flow', 'task'],
  from: 'any',
  to: 'any',
  before(ctx) {
    const from = ctx.initial?.type ?? null;
    if (!isAllowedTransition(from, ctx.proposed.type)) {
      return {
        decision: 'reject',
        reason: `a run in state ${ctx.initial?.name ?? 'none'} cannot move to ${ctx.proposed.name}`,
        code: STOPPED.includes(from) ? 'RUN_STOPPED' : 'TRANSITION_NOT_ALLOWED',
      };
    }
  },
};
