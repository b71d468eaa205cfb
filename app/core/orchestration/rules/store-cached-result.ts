import type { OrchestrationRule } from '../types.js';

export const storeCachedResult: OrchestrationRule = {
  name: 'StoreCachedResult',
  runKinds: ['task'],
  from: ['RUNNING'],
  to: ['COMPLETED'],
  apply(ctx) {
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
