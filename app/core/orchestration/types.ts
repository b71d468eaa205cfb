import type { RetryPolicy, RunKind } from '../runs.js';
import type { ProposedState, State, StateType } from '../states.js';

export type Decision = 'ACCEPT' | 'REJECT' | 'WAIT' | 'ABORT';

/** The answer to a proposed transition. `state` is the run's state after it. */
export interface OrchestrationResult {
  status: Decision;
  state: State | null;
  reason?: string;
  /** With WAIT: how long to wait before proposing again. */
  delaySeconds?: number;
}

/** What the rules may know about the run a transition belongs to. */
export interface RunFacts {
  kind: RunKind;
  id: string;
  /** The flow run the task belongs to; for a flow run, itself. */
  flowRunId: string;
  tags: readonly string[];
  retryPolicy: RetryPolicy;
  /** How many times the run has entered RUNNING. */
  runCount: number;
  lastTransitionId: string | null;
}

export type SlotOutcome =
  | { acquired: true }
  | { acquired: false; tag: string; limit: number };

export interface CachedResult {
  resultRef: string;
  taskRunId: string;
}

/** What a store offers the rules. Calls happen inside the transition's own transaction. */
export interface OrchestrationServices {
  acquireConcurrencySlots(tags: readonly string[], taskRunId: string, now: number): SlotOutcome;
  releaseConcurrencySlots(taskRunId: string): void;
  findCachedResult(cacheKey: string, now: number): CachedResult | null;
  storeCachedResult(entry: {
    cacheKey: string;
    resultRef: string;
    taskRunId: string;
    createdAt: number;
    expiresAt: number | null;
  }): void;
  flowRunStateType(flowRunId: string): StateType | null;
}

export interface TransitionContext {
  run: RunFacts;
  initial: State | null;
  proposed: ProposedState;
  transitionId: string;
  now: number;
  random: () => number;
  services: OrchestrationServices;
}

export type RuleOutcome =
  /** Go on with this (possibly changed) proposal. */
  | { decision: 'accept'; state: ProposedState }
  /** Keep the current state; the client should adopt it. */
  | { decision: 'reject'; reason: string }
  /** Not yet: propose again after the delay. */
  | { decision: 'wait'; delaySeconds: number; reason: string }
  /** The run must stop. */
  | { decision: 'abort'; reason: string }
  /** The same transition was already accepted; answer with the current state. */
  | { decision: 'duplicate' };

/** `null` in `from` stands for a run that has no state yet. */
export type FromStates = readonly (StateType | null)[] | 'any';
export type ToStates = readonly StateType[] | 'any';

export interface OrchestrationRule {
  name: string;
  runKinds: readonly RunKind[];
  from: FromStates;
  to: ToStates;
  /** Return nothing to let the proposal pass unchanged. */
  apply(ctx: TransitionContext): RuleOutcome | void;
}
