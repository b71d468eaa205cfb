import type { OrchestrationRule } from '../types.js';

/** A task run that completes with a cache key keeps its result for the runs after it, once that is written. */
export const storeCachedResult: OrchestrationRule = {
  name: 'StoreCachedResult',
  runKinds: ['task'],
  from: ['RUNNING'],
  to: ['COMPLETED'],
  after(ctx) {
    const { cacheKey, resultRef, cacheExpirationSeconds } = ctx.proposed;
    if (cacheKey === undefined || resultRef === undefined) return;
    ctx.services.storeCachedResult({
      cacheKey,
      resultRef,
      taskRunId: ctx.run.id,
      createdAt: ctx.now,
      expiresAt: cacheExpirationSeconds === undefined ? null : ctx.now + cacheExpirationSeconds * 1000,
    });
  },
};
