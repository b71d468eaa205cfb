import { retryDelayMs } from '../../retry-delays.js';
import type { ClientServices, OrchestrationRule } from '../types.js';

/** A failure with attempts left becomes AwaitingRetry, due after the run's delay for that attempt. */
export const retryFailedRuns: OrchestrationRule<ClientServices> = {
  name: 'RetryFailedRuns',
  runKinds: ['flow', 'task'],
  from: ['RUNNING'],
  to: ['FAILED'],
  before(ctx) {
    const { retries } = ctx.run.retryPolicy;
    if (ctx.proposed.retryable === false || ctx.run.runCount > retries) return;
    const delay = retryDelayMs(ctx.run.retryPolicy, ctx.run.runCount, ctx.random);
    return {
      decision: 'accept',
      state: {
        type: 'SCHEDULED',
        name: 'AwaitingRetry',
        message: ctx.proposed.message,
        error: ctx.proposed.error,
        scheduledTime: Math.round(ctx.now + delay),
      },
    };
  },
};
