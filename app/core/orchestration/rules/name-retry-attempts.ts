import type { ClientServices, OrchestrationRule } from '../types.js';

/** Every attempt after the first is called Retrying, so the history reads as a retry history. */
export const nameRetryAttempts: OrchestrationRule<ClientServices> = {
  name: 'NameRetryAttempts',
  runKinds: ['flow', 'task'],
  from: ['SCHEDULED', 'PENDING', 'PAUSED'],
  to: ['RUNNING'],
  before(ctx) {
    if (ctx.run.runCount >= 1 && ctx.proposed.name === 'Running' && ctx.initial?.type !== 'PAUSED') {
      return { decision: 'accept', state: { ...ctx.proposed, name: 'Retrying' } };
    }
  },
};
