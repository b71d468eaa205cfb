import type { OrchestrationRule } from '../types.js';

/** Small clock differences between processes should not cost a round trip. */
const TOLERANCE_MS = 2;

export const waitForScheduledTime: OrchestrationRule = {
  name: 'WaitForScheduledTime',
  runKinds: ['flow', 'task'],
  from: ['SCHEDULED'],
  to: ['PENDING', 'RUNNING'],
  apply(ctx) {
    const due = ctx.initial?.scheduledTime;
    if (due !== undefined && due - ctx.now > TOLERANCE_MS) {
      return {
        decision: 'wait',
        delaySeconds: (due - ctx.now) / 1000,
        reason: `the run is scheduled for ${new Date(due).toISOString()}`,
      };
    }
  },
};
