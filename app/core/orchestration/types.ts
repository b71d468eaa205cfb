import type { RetryPolicy, RunKind } from '../runs.js';
import type { ProposedState, State, StateType } from '../states.js';

export type Decision = 'ACCEPT' | 'REJECT' | 'WAIT' | 'ABORT';

/** Why a transition was refused, in words a client decides on; the reason says it in English. */
export const REFUSAL_CODES = [
  /** No run has that id. */
  'RUN_NOT_FOUND',
  /** The transition table does not allow the move from the run's current state. */
  'TRANSITION_NOT_ALLOWED',
  /** The run was cancelled or crashed, or is being cancelled: it does not start again. */
  'RUN_STOPPED',
  /** The run's flow run was cancelled or crashed, or is being cancelled: its task runs must not start. */
  'FLOW_STOPPING',
  /** The run's flow run has already completed or failed. */
  'FLOW_FINISHED',
  /** Another process has already started the run. */
  'ALREADY_STARTED',
  /** A tag of the run has a concurrency limit of 0: it can never start. */
  'CONCURRENCY_LIMIT_ZERO',
  /** A finished run is scheduled again only as AwaitingRetry. */
  'NOT_A_RETRY',
  /** Only a run that failed, crashed or was cancelled can be retried. */
  'NOT_RETRYABLE',
  /** A cancel of a run that has already finished. */
  'RUN_FINISHED',
  /** A cancel of a run already being cancelled. */
  'ALREADY_CANCELLING',
] as const;
export type RefusalCode = (typeof REFUSAL_CODES)[number];

/** The answer to a proposed transition. `state` is the run's state after it. */
export interface OrchestrationResult {
  status: Decision;
  state: State | null;
  reason?: string;
  /** With REJECT and ABORT: why, for a client to act on. */
  code?: RefusalCode;
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

export type SlotOutcome = { acquired: true } | { acquired: false; tag: string; limit: number };

export interface CachedResult {
  resultRef: string;
  taskRunId: string;
}

/** What a store offers the rules. Calls happen inside the transition's own transaction. */
export interface OrchestrationServices {
  acquireConcurrencySlots(tags: readonly string[], taskRunId: string, now: number): SlotOutcome;
  releaseConcurrencySlots(taskRunId: string): void;
  findCachedResult(cacheKey: string, now: number): CachedResult | null;
  storeCachedResult(entry: { cacheKey: string; resultRef: string; taskRunId: string; createdAt: number; expiresAt: number | null }): void;
  flowRunStateType(flowRunId: string): StateType | null;
}

/** What a client that answers some transitions itself (a flow process) can tell the rules it runs. */
export type ClientServices = Pick<OrchestrationServices, 'flowRunStateType'>;

export interface TransitionContext<Services = OrchestrationServices> {
  run: RunFacts;
  initial: State | null;
  proposed: ProposedState;
  transitionId: string;
  now: number;
  random: () => number;
  services: Services;
}

export type RuleOutcome =
  /** Go on with this (possibly changed) proposal. */
  | { decision: 'accept'; state: ProposedState }
  /** Keep the current state; the client should adopt it. */
  | { decision: 'reject'; reason: string; code: RefusalCode }
  /** Not yet: propose again after the delay. */
  | { decision: 'wait'; delaySeconds: number; reason: string }
  /** The run must stop. */
  | { decision: 'abort'; reason: string; code: RefusalCode }
  /** The same transition was already accepted; answer with the current state. */
  | { decision: 'duplicate' };

/** `null` in `from` stands for a run that has no state yet. */
export type FromStates = readonly (StateType | null)[] | 'any';
export type ToStates = readonly StateType[] | 'any';

/** A rule that only needs `Services` of a store: one typed with ClientServices can run in a client. */
export interface OrchestrationRule<Services = OrchestrationServices> {
  name: string;
  runKinds: readonly RunKind[];
  from: FromStates;
  to: ToStates;
  /** Decides on the proposal before anything is written. Return nothing to let it pass unchanged. */
  before?: (ctx: TransitionContext<Services>) => RuleOutcome | void;
  /**
   * The rule's side effects, run only once the transition is accepted and written: `ctx` is what
   * the rule's `before` saw, `state` the state that was written. A rule that only decides has none.
   */
  after?: (ctx: TransitionContext<Services>, state: State) => void;
}
