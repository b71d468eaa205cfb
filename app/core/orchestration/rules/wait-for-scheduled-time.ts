import type { ClientServices, OrchestrationRule } from '../types.js';

/** A time for a message; a time no Date can hold is shown as its number. */
function describeTime(ms: number): string {
  const date = new Date(ms);
  return Number.isNaN(date.getTime()) ? `${ms} ms after the epoch` : date.toISOString();
}

/** Small clock differences between processes should not cost a round trip. */
const TOLERANCE_MS = 2;

export const waitForScheduledTime: OrchestrationRule<ClientServices> = {
  name: 'WaitForScheduledTime',
  runKinds: ['flow', 'task'],
  from: ['SCHEDULED'],
  to: ['PENDING', 'RUNNING'],
  before(ctx) {
    const due = ctx.initial?.scheduledTime;
    if (due !== undefined && due - ctx.now > TOLERANCE_MS) {
      return {
        decision: 'wait',
        delaySeconds: (due - ctx.now) / 1000,
        reason: `the run is scheduled for ${describeTime(due)}`,
      };
    }
  },
};
