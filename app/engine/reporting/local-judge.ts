import {
  acceptedState,
  advanceRunTiming,
  CLIENT_POLICY,
  needsServer,
  orchestrate,
  type ClientServices,
  type CreateTaskRun,
  type OrchestrationResult,
  type RetryPolicy,
  type RunFacts,
  type SetState,
  type State,
  type StateType,
} from '../../core/index.js';

interface Unstarted {
  flowRunId: string;
  tags: readonly string[];
  retryPolicy: RetryPolicy;
  createTransitionId: string;
  pending: State;
}

/**
 * Judges, in the flow process, the one transition a remote run makes most and waits on most: a
 * task run's first start. It runs the client's list of the policy's rules, as the server will
 * run them, with the state the server will hold. A proposal that would reach a rule needing what
 * only the server knows (a tag's concurrency limit, a cached result), or that concerns a flow run
 * it has not heard of, it leaves to the server. The server still judges every transition when the
 * report reaches it.
 */
export class LocalJudge {
  private readonly unstarted = new Map<string, Unstarted>();
  private readonly flowStates = new Map<string, StateType>();
  private readonly services: ClientServices = {
    flowRunStateType: (flowRunId) => this.flowStates.get(flowRunId) ?? null,
  };

  /** A task run this process creates: unstarted until its first proposal. */
  created(request: CreateTaskRun, at: number): void {
    if (request.state.type !== 'PENDING') return;
    this.unstarted.set(request.id, {
      flowRunId: request.flowRunId,
      tags: request.tags ?? [],
      retryPolicy: request.retryPolicy as RetryPolicy,
      createTransitionId: request.transitionId,
      pending: acceptedState(request.state, at, 0, request.transitionId),
    });
  }

  /** What the server holds for a flow run, as its answers and heartbeats tell. */
  flowState(flowRunId: string, type: StateType): void {
    this.flowStates.set(flowRunId, type);
  }

  /** The server's certain answer to this proposal, or null when only the server can give it. */
  judge(request: SetState, now: number): OrchestrationResult | null {
    if (request.kind !== 'task') return null;
    const run = this.unstarted.get(request.runId);
    if (!run) return null;
    // Only the first proposal is judged here; later ones depend on answers still on their way.
    this.unstarted.delete(request.runId);
    if (request.state.type !== 'RUNNING' || request.force) return null;
    if (!this.flowStates.has(run.flowRunId)) return null;
    const facts: RunFacts = {
      kind: 'task',
      id: request.runId,
      flowRunId: run.flowRunId,
      tags: run.tags,
      retryPolicy: run.retryPolicy,
      runCount: 0,
      lastTransitionId: run.createTransitionId,
    };
    if (needsServer(facts, run.pending.type, request.state)) return null;
    const outcome = orchestrate(
      {
        run: facts,
        initial: run.pending,
        proposed: request.state,
        transitionId: request.transitionId,
        now,
        random: Math.random,
        services: this.services,
      },
      CLIENT_POLICY,
    );
    if (outcome.decision !== 'accept' || outcome.state.type !== 'RUNNING') return null;
    const timing = advanceRunTiming({ runCount: 0, startTime: null, endTime: null }, 'PENDING', 'RUNNING', now);
    return { status: 'ACCEPT', state: acceptedState(outcome.state, now, timing.runCount, request.transitionId) };
  }
}
