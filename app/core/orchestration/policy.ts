import type { RunKind } from '../runs.js';
import type { ProposedState, State, StateType } from '../states.js';
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
import type { FromStates, OrchestrationRule, OrchestrationServices, RuleOutcome, ToStates, TransitionContext } from './types.js';

/**
 * The orchestration policy: every proposed transition passes these rules in this order. A rule
 * applies only when the run kind, the current state type and the proposed state type match; a
 * rule that changes the proposal hands the changed one to the rules after it. Once the
 * transition is accepted and written, the `after` hooks of the rules that applied run, in the
 * same order.
 */
export const ORCHESTRATION_POLICY: readonly OrchestrationRule[] = [
  preventDuplicateTransitions,
  // Before the table: it forbids every transition this rule covers, and a REJECT would tell the
  // second process to adopt the started run's state instead of stopping.
  rejectPendingDuplicates,
  // A cancel or a retry asked for by a person: before the table, whose answer would be less plain.
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
  useCachedResult,
  secureConcurrencySlots,
  nameRetryAttempts,
  retryFailedRuns,
  releaseConcurrencySlots,
  storeCachedResult,
];

/** A rule that applied and has side effects, with what its `before` saw. */
export interface PendingAfterHook<Services = OrchestrationServices> {
  rule: OrchestrationRule<Services>;
  ctx: TransitionContext<Services>;
}

export interface AcceptedOutcome<Services = OrchestrationServices> {
  decision: 'accept';
  state: ProposedState;
  /** The rules that answered (changed the proposal), in order. */
  appliedRules: readonly string[];
  /** What runs once the transition is written (see runAfterHooks). */
  afterHooks: readonly PendingAfterHook<Services>[];
}

export { canBeRetried, RETRY_REFUSAL } from './rules/retry-only-failed-crashed-or-cancelled-runs.js';

export type PolicyOutcome<Services = OrchestrationServices> = AcceptedOutcome<Services> | Exclude<RuleOutcome, { decision: 'accept' }>;

function matchesFrom(from: FromStates, type: StateType | null): boolean {
  return from === 'any' || from.includes(type);
}

function matchesTo(to: ToStates, type: StateType): boolean {
  return to === 'any' || to.includes(type);
}

export function ruleApplies(
  rule: Pick<OrchestrationRule<unknown>, 'runKinds' | 'from' | 'to'>,
  kind: RunKind,
  from: StateType | null,
  to: StateType,
): boolean {
  return rule.runKinds.includes(kind) && matchesFrom(rule.from, from) && matchesTo(rule.to, to);
}

const NO_RULES_APPLIED: readonly string[] = Object.freeze([]);
/** Shared by the many transitions whose rules have nothing to do once they are written. */
const NO_AFTER_HOOKS: readonly never[] = Object.freeze([]);

/** Which rules of a list apply, by run kind, current state type (null for none) and proposed state type. */
type ApplyingByMove = Map<RunKind, Map<StateType | null, Map<StateType, readonly boolean[]>>>;

const applyingRules = new WeakMap<object, ApplyingByMove>();

/**
 * Whether each rule of `rules` applies to a move of a `kind` run from `from` to `to`, worked out
 * once per move: every transition asks, and there are only a few dozen moves.
 */
function rulesApplying<Services>(
  rules: readonly OrchestrationRule<Services>[],
  kind: RunKind,
  from: StateType | null,
  to: StateType,
): readonly boolean[] {
  let byMove = applyingRules.get(rules);
  if (!byMove) {
    byMove = new Map();
    applyingRules.set(rules, byMove);
  }
  let byFrom = byMove.get(kind);
  if (!byFrom) {
    byFrom = new Map();
    byMove.set(kind, byFrom);
  }
  let byTo = byFrom.get(from);
  if (!byTo) {
    byTo = new Map();
    byFrom.set(from, byTo);
  }
  let applying = byTo.get(to);
  if (!applying) {
    applying = rules.map((rule) => ruleApplies(rule, kind, from, to));
    byTo.set(to, applying);
  }
  return applying;
}

/** Runs a proposal through the policy, or through another list of rules (such as the client's). */
export function orchestrate(ctx: TransitionContext, rules?: readonly OrchestrationRule[]): PolicyOutcome;
export function orchestrate<Services>(ctx: TransitionContext<Services>, rules: readonly OrchestrationRule<Services>[]): PolicyOutcome<Services>;
export function orchestrate<Services>(
  ctx: TransitionContext<Services>,
  // Only the first signature leaves the rules out, and its services are the store's.
  rules = ORCHESTRATION_POLICY as unknown as readonly OrchestrationRule<Services>[],
): PolicyOutcome<Services> {
  const from = ctx.initial?.type ?? null;
  let proposed = ctx.proposed;
  let appliedRules: string[] | null = null;
  let afterHooks: PendingAfterHook<Services>[] | null = null;
  // Worked out for the proposed type; a rule that changes the type has the rest checked one by one.
  const to = proposed.type;
  const applying = rulesApplying(rules, ctx.run.kind, from, to);
  for (let i = 0; i < rules.length; i++) {
    const rule = rules[i];
    if (proposed.type === to ? !applying[i] : !ruleApplies(rule, ctx.run.kind, from, proposed.type)) continue;
    const ruleCtx = proposed === ctx.proposed ? ctx : { ...ctx, proposed };
    if (rule.after) (afterHooks ??= []).push({ rule, ctx: ruleCtx });
    const outcome = rule.before?.(ruleCtx);
    if (!outcome) continue;
    (appliedRules ??= []).push(rule.name);
    if (outcome.decision !== 'accept') return outcome;
    proposed = outcome.state;
  }
  return { decision: 'accept', state: proposed, appliedRules: appliedRules ?? NO_RULES_APPLIED, afterHooks: afterHooks ?? NO_AFTER_HOOKS };
}

/** Runs the side effects of an accepted transition, once `state` is written. */
export function runAfterHooks<Services>(outcome: AcceptedOutcome<Services>, state: State): void {
  // Indexed: an array iterator is an allocation on every transition.
  const hooks = outcome.afterHooks;
  for (let i = 0; i < hooks.length; i++) hooks[i].rule.after!(hooks[i].ctx, state);
}
