import type { OrchestrationRule } from '../types.js';

export const releaseConcurrencySlots: OrchestrationRule = {
  name: 'ReleaseConcurrencySlots',
  runKinds: ['task'],
  from: ['RUNNING', 'CANCELLING', 'PAUSED'],
  to: ['SCHEDULED', 'COMPLETED', 'FAILED', 'CRASHED', 'CANCELLED'],
  apply(ctx) {
    if (ctx.run.tags.length > 0) ctx.services.releaseConcurrencySlots(ctx.run.id);
  },
};
