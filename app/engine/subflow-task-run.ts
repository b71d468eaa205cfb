import type { OrchestrationResult, ProposedState, State } from '../core/index.js';
import { newId } from '../core/ids.js';
import { isTerminal, NOT_READY } from '../core/state-model.js';
import type { FlowRunFrame } from './context.js';
import { errorInfo } from './errors.js';
import { trackTaskRun, untrackTaskRun, type CrashableRun } from './heartbeats.js';
import { maskCredentials } from './mask-credentials.js';
import { previewOf } from './previews.js';
import { requireReporter } from './runtime.js';
import { announceState, proposeState } from './state-reports.js';
import { inputsOf, nextDynamicKey } from './task-run-records.js';
import { linkResult } from './upstream-links.js';

/**
 * The task run that stands for a subflow call in its parent flow run, named after the subflow,
 * as Prefect tracks one. It is Pending while the child is created, Running once the child runs,
 * and ends as the child ends, with the child's result or error; the child's `parentTaskRunId`
 * points at it.
 */
export class SubflowTaskRun {
  readonly id = newId();
  readonly name: string;
  private readonly reporter = requireReporter();
  /** Transitions are sent one after another, so the store sees them in the child's order. */
  private chain: Promise<unknown> = Promise.resolve();
  readonly dynamicKey: number;
  private created = false;
  private running = false;
  private ended = false;
  /** Its place among the active task runs (see trackTaskRun). */
  previousActive: CrashableRun | null = null;
  nextActive: CrashableRun | null = null;

  constructor(
    private readonly parent: FlowRunFrame,
    private readonly flowName: string,
    private readonly args: readonly unknown[],
    /** The task runs whose results the call was handed, as futures or as values. */
    private upstream: string[],
  ) {
    this.dynamicKey = nextDynamicKey(parent, flowName);
    this.name = `${flowName}-${this.dynamicKey}`;
  }

  /** Records the task run, Pending; `upstream` when it is known better than at the call. */
  create(upstream?: string[]): void {
    if (this.created) return;
    this.created = true;
    if (upstream) this.upstream = upstream;
    // send never rejects: a failed report is logged and marks the parent's record incomplete.
    void this.send(() =>
      this.reporter.createTaskRun({
        id: this.id,
        flowRunId: this.parent.flowRunId,
        taskKey: this.flowName,
        name: this.name,
        dynamicKey: this.dynamicKey,
        flowRunAttempt: this.parent.attempt,
        tags: [],
        retryPolicy: { retries: 0, retryDelaySeconds: [0] },
        inputs: inputsOf(this.args),
        upstream: this.upstream,
        state: { type: 'PENDING', name: 'Pending' },
        transitionId: newId(),
      }),
    );
    trackTaskRun(this);
  }

  /** Called with each state the child flow run enters; its start and its end are followed. */
  follow(state: State): void {
    if (state.type === 'RUNNING' && this.created && !this.running && !this.ended) {
      this.running = true;
      void this.send(() => proposeState(this.reporter, 'task', this.id, { type: 'RUNNING', name: 'Running' }));
    }
  }

  /**
   * Ends the task run as the child ended: its final state, with its result or error. A child
   * that never reached a final state (the store would not start it) failed all the same.
   */
  finish(state: State | null, ok: boolean, result: unknown, error: unknown): Promise<void> {
    if (!this.created) return Promise.resolve();
    if (!state || !isTerminal(state.type)) {
      const info = errorInfo(error);
      return this.end({ type: 'FAILED', name: 'Failed', message: info.message, error: info, retryable: false });
    }
    const proposed: ProposedState = { type: state.type, name: state.name };
    if (state.message !== undefined) proposed.message = state.message;
    if (ok) proposed.resultPreview = previewOf(result);
    else if (state.error) proposed.error = state.error;
    if (state.type === 'FAILED') proposed.retryable = false;
    return this.end(proposed);
  }

  /** Records the task run as Crashed because this process is going away. */
  crash(message: string): Promise<void> {
    return this.end({ type: 'CRASHED', name: 'Crashed', message });
  }

  /** Ends the task run NotReady: a future it was handed did not complete, so the child never ran. */
  notReady(message: string): Promise<void> {
    if (!this.created) return Promise.resolve();
    this.parent.logger.warning(`subflow call '${this.name}' did not run: ${maskCredentials(message)}`);
    return this.end({ type: 'PENDING', name: NOT_READY, message });
  }

  /** Remembers the child's result as this task run's, so passing it on in the parent links back here. */
  linkResult(value: unknown): void {
    linkResult(this.parent.resultLinks, value, this.id);
  }

  private async end(state: ProposedState): Promise<void> {
    if (this.ended) return this.chain.then(() => undefined);
    this.ended = true;
    untrackTaskRun(this);
    await this.send(() => proposeState(this.reporter, 'task', this.id, state));
  }

  private send(report: () => Promise<OrchestrationResult>): Promise<void> {
    const next = this.chain.then(report).then(
      (result) => this.observe(result),
      (error: unknown) => {
        // The parent's record is then incomplete, as when a task run's final state is lost.
        this.parent.unrecorded ??= { error };
        this.parent.logger.error(`could not record the task run of subflow call '${this.name}': ${String(error)}`);
      },
    );
    this.chain = next;
    return next;
  }

  private observe(result: OrchestrationResult): void {
    if (result.status !== 'ACCEPT' || !result.state) return;
    announceState('task', this.id, this.name, this.parent.flowRunId, result.state);
  }
}
