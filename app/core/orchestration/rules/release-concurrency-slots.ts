import type { OrchestrationRule } from '../types.js';

/** A task run that stops running gives back its slots, once that is written. */
export const releaseConcurrencySlots: OrchestrationRule = {
  name: 'ReleaseConcurrencySlots',
  runKinds: ['task'],
  from: ['RUNNING', 'CANCELLING', 'PAUSED'],
  to: ['SCHEDULED', 'COMPLETED', 'FAILED', 'CRASHED', 'CANCELLED'],
  after(ctx) {
    if (ctx.run.tags.length > 0) ctx.services.releaseConcurrencySlots(ctx.run.id);
  },
};
