import { isAllowedTransition } from '../allowed-transitions.js';
import type { OrchestrationRule } from '../types.js';

export const enforceAllowedTransitions: OrchestrationRule = {
  name: 'EnforceAllowedTransitions',
  runKinds: ['flow', 'task'],
  from: 'any',
  to: 'any',
  apply(ctx) {
    const from = ctx.initial?.type ?? null;
    if (!isAllowedTransition(from, ctx.proposed.type)) {
      return {
        decision: 'reject',
        reason: `a run in state ${ctx.initial?.name ?? 'none'} cannot move to ${ctx.proposed.name}`,
      };
    }
  },
};
