import type { OrchestrationRule } from '../types.js';

/** A task whose cache key has a valid entry completes at once with the stored result. */
export const useCachedResult: OrchestrationRule = {
  name: 'UseCachedResult',
  runKinds: ['task'],
  from: [null, 'SCHEDULED', 'PENDING'],
  to: ['RUNNING'],
  before(ctx) {
    const key = ctx.proposed.cacheKey;
    if (key === undefined || ctx.proposed.refreshCache) return;
    const hit = ctx.services.findCachedResult(key, ctx.now);
    if (!hit) return;
    return {
      decision: 'accept',
      state: {
        type: 'COMPLETED',
        name: 'Cached',
        cacheKey: key,
        resultRef: hit.resultRef,
        message: `cached result of task run ${hit.taskRunId}`,
      },
    };
  },
};
