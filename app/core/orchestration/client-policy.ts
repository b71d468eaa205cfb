import type { ProposedState, StateType } from '../states.js';
import { ruleApplies } from './policy.js';
import { abortTasksOfStoppingFlows } from './rules/abort-tasks-of-stopping-flows.js';
import { cancelUnstartedRunsAtOnce } from './rules/cancel-unstarted-runs-at-once.js';
import { enforceAllowedTransitions } from './rules/enforce-allowed-transitions.js';
import { keepBreakpointMovesToBreakpoints } from './rules/keep-breakpoint-moves-to-breakpoints.js';
import { startCompletedOnlyWithAReusedResult } from './rules/start-completed-only-with-a-reused-result.js';
import { nameRetryAttempts } from './rules/name-retry-attempts.js';
import { preventDuplicateTransitions } from './rules/prevent-duplicate-transitions.js';
import { refuseCancellingFinishedRuns } from './rules/refuse-cancelling-finished-runs.js';
import { refuseCancellingTwice } from './rules/refuse-cancelling-twice.js';
import { rejectPendingDuplicates } from './rules/reject-pending-duplicates.js';
import { releaseConcurrencySlots } from './rules/release-concurrency-slots.js';
import { retryFailedRuns } from './rules/retry-failed-runs.js';
import { retryOnlyFailedCrashedOrCancelledRuns } from './rules/retry-only-failed-crashed-or-cancelled-runs.js';
import { retryOnlyUnsuccessfulRuns } from './rules/retry-only-unsuccessful-runs.js';
import { secureConcurrencySlots } from './rules/secure-concurrency-slots.js';
import { storeCachedResult } from './rules/store-cached-result.js';
import { useCachedResult } from './rules/use-cached-result.js';
import { waitForScheduledTime } from './rules/wait-for-scheduled-time.js';
import type { ClientServices, OrchestrationRule, RunFacts } from './types.js';

/**
 * The rules a flow process applies itself when it answers a transition before the server does:
 * the server's policy, in its order, without the rules that need the server's services (tag
 * limits, the cache). Those are on SERVER_ONLY_RULES, and a proposal that reaches one of them
 * is left to the server.
 */
export const CLIENT_POLICY: readonly OrchestrationRule<ClientServices>[] = [
  preventDuplicateTransitions,
  rejectPendingDuplicates,
  refuseCancellingFinishedRuns,
  refuseCancellingTwice,
  cancelUnstartedRunsAtOnce,
  retryOnlyFailedCrashedOrCancelledRuns,
  enforceAllowedTransitions,
  keepBreakpointMovesToBreakpoints,
  startCompletedOnlyWithAReusedResult,
  retryOnlyUnsuccessfulRuns,
  waitForScheduledTime,
  abortTasksOfStoppingFlows,
  nameRetryAttempts,
  retryFailedRuns,
];

export interface ServerOnlyRule {
  rule: OrchestrationRule;
  /** Whether the rule, once it applies, would ask the server's services about this proposal. */
  asksServer(run: RunFacts, proposed: ProposedState): boolean;
}

/** The policy's rules that are not on the client list. */
export const SERVER_ONLY_RULES: readonly ServerOnlyRule[] = [
  { rule: useCachedResult, asksServer: (_run, proposed) => proposed.cacheKey !== undefined && !proposed.refreshCache },
  { rule: secureConcurrencySlots, asksServer: (run) => run.tags.length > 0 },
  { rule: releaseConcurrencySlots, asksServer: (run) => run.tags.length > 0 },
  { rule: storeCachedResult, asksServer: (_run, proposed) => proposed.cacheKey !== undefined && proposed.resultRef !== undefined },
];

/** Whether only the server can answer this proposal: it reaches a rule that needs the server's services. */
export function needsServer(run: RunFacts, from: StateType | null, proposed: ProposedState): boolean {
  return SERVER_ONLY_RULES.some(({ rule, asksServer }) => ruleApplies(rule, run.kind, from, proposed.type) && asksServer(run, proposed));
}
