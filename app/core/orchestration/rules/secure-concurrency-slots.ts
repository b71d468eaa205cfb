import type { OrchestrationRule } from '../types.js';

/** How long a task waits before it asks for a slot again. */
export const SLOT_RETRY_SECONDS = 0.05;

/** A tagged task starts only when every tag with a limit has a free slot. */
export const secureConcurrencySlots: OrchestrationRule = {
  name: 'SecureConcurrencySlots',
  runKinds: ['task'],
  from: [null, 'SCHEDULED', 'PENDING'],
  to: ['RUNNING'],
  before(ctx) {
    if (ctx.run.tags.length === 0) return;
    const outcome = ctx.services.acquireConcurrencySlots(ctx.run.tags, ctx.run.id, ctx.now);
    if (outcome.acquired) return;
    if (outcome.limit === 0) {
      return { decision: 'abort', reason: `the concurrency limit for tag '${outcome.tag}' is 0`, code: 'CONCURRENCY_LIMIT_ZERO' };
    }
    const reason = `waiting for a slot of tag '${outcome.tag}' (limit ${outcome.limit})`;
    if (ctx.initial?.name === 'AwaitingConcurrencySlot') {
      return { decision: 'wait', delaySeconds: SLOT_RETRY_SECONDS, reason };
    }
    return {
      decision: 'accept',
      state: {
        type: 'SCHEDULED',
        name: 'AwaitingConcurrencySlot',
        message: reason,
        scheduledTime: ctx.now + SLOT_RETRY_SECONDS * 1000,
      },
    };
  },
};
