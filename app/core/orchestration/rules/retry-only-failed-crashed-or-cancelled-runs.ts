import type { StateType } from '../../states.js';
import type { ClientServices, OrchestrationRule } from '../types.js';

const RETRYABLE: readonly (StateType | null)[] = ['FAILED', 'CRASHED', 'CANCELLED'];

/** Whether a run in this state may be retried as a whole, by request. */
export function canBeRetried(type: StateType): boolean {
  return RETRYABLE.includes(type);
}

export const RETRY_REFUSAL = 'only Failed, Crashed or Cancelled runs can be retried';

/**
 * A retry (a proposed AwaitingRetry) is of a run that failed, crashed or was cancelled; any other
 * is refused. A failure the rules turn into a retry is past this rule by then.
 */
export const retryOnlyFailedCrashedOrCancelledRuns: OrchestrationRule<ClientServices> = {
  name: 'RetryOnlyFailedCrashedOrCancelledRuns',
  runKinds: ['flow'],
  from: 'any',
  to: ['SCHEDULED'],
  before(ctx) {
    if (ctx.proposed.name === 'AwaitingRetry' && !RETRYABLE.includes(ctx.initial?.type ?? null))
      return { decision: 'reject', reason: RETRY_REFUSAL, code: 'NOT_RETRYABLE' };
  },
};
