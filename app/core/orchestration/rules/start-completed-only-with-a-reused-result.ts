import type { ClientServices, OrchestrationRule } from '../types.js';

/**
 * A run is born Completed only as a task run of a re-run that reuses the recorded result of an
 * earlier task run instead of running: it names that run and where its result lies.
 */
export const startCompletedOnlyWithAReusedResult: OrchestrationRule<ClientServices> = {
  name: 'StartCompletedOnlyWithAReusedResult',
  runKinds: ['flow', 'task'],
  from: [null],
  to: ['COMPLETED'],
  before(ctx) {
    const { reusedFrom, resultRef } = ctx.proposed;
    if (ctx.run.kind === 'task' && reusedFrom && resultRef) return;
    return {
      decision: 'reject',
      reason: 'a run starts Completed only as a task run reusing the recorded result of another (reusedFrom and resultRef)',
      code: 'TRANSITION_NOT_ALLOWED',
    };
  },
};
