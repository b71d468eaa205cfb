import { setMaxListeners } from 'node:events';
import { hostname } from 'node:os';
import type { DebugOptions, OrchestrationResult, ProposedState, RerunLink, RetryPolicy, ReuseOptions, State, StateType } from '../core/index.js';
import { newId } from '../core/ids.js';
import { onAbort } from './abort-listeners.js';
import { AttemptScope } from './attempt-scope.js';
import { currentFlowRun, currentFrame, runStorage, type FlowRunFrame } from './context.js';
import { CountedWork } from './counted-work.js';
import { DebugSession, type DebugListener } from './debug-session.js';
import { bindArguments, bindByName, type BoundFlowCall, type FlowInput, type FlowSignature } from './flow-parameters.js';
import { CancelledError, errorInfo, ParameterValidationError, RunAbortedError, UpstreamFailedError } from './errors.js';
import { failureLogText } from './failure-log.js';
import { judgeReturnedValue } from './final-state.js';
import { coerceParameters } from './parameter-coercion.js';
import { trackFlowRun } from './heartbeats.js';
import { installLogPrints } from './log-prints.js';
import { RunLogger } from './logger.js';
import type { FlowOptions, RunInfo } from './options.js';
import { previewOf } from './previews.js';
import { FUTURE_SEARCH_DEPTH, resolveFutures } from './resolve-futures.js';
import { persistResult } from './results.js';
import { ResultJournal } from './result-journal.js';
import { loadReusePlan, type ReusePlan } from './reuse-plan.js';
import { RunExecution, type AttemptOutcome, type StartedInstead } from './run-execution.js';
import { engineSettings } from './runtime.js';
import { sleep, sleepUntil } from './sleep.js';
import { StoredStates } from './stored-states.js';
import { SubflowTaskRun } from './subflow-task-run.js';
import { ConcurrentTaskRunner } from './task-runners/concurrent.js';
import { generateRunName, renderTemplate } from './templates.js';
import { NO_UPSTREAM, runsKnownOf, upstreamOf, type ResultLinks } from './upstream-links.js';

/** A flow's result preview may be this long before it is cut. */
const FLOW_RESULT_LIMIT = 1_000_000;

export interface FlowDefinition {
  name: string;
  fn: (...args: never[]) => unknown;
  /** How the function takes its parameters: one object, or arguments. */
  signature: FlowSignature;
  options: FlowOptions<unknown, unknown>;
  retryPolicy: RetryPolicy;
  tags: readonly string[];
  subject: unknown;
}

export interface FlowRunRequest {
  /** Continue this existing flow run (a retry) instead of creating one. */
  flowRunId?: string;
  /** The existing run's name, with `flowRunId`. */
  flowRunName?: string;
  /** Where the flow came from, e.g. `path/to/file.ts:flow-name`, so it can be run again. */
  entrypoint?: string;
  /**
   * The id of the new flow run, for a caller that must know it before the run exists (a server
   * that starts a flow process and answers with the id). Ignored with `flowRunId`.
   */
  newFlowRunId?: string;
  /** Makes it a debug run: breakpoints, steps, stopping on failures and pinned results (see DebugOptions). */
  debug?: DebugOptions;
  /** Told when task runs of the debug run stop at breakpoints and are answered (a terminal's debugger prompt). */
  debugListener?: DebugListener;
  /**
   * Makes it a re-run: each attempt reuses the recorded result of every call that matches a
   * completed task run of that run (see core/reuse.ts), and runs the rest.
   */
  reuse?: ReuseOptions;
  /** A run from a chosen task of an earlier run: the link it records. */
  rerunOf?: RerunLink;
  /** Where the compiled code it runs is kept, for the run's record. */
  codeRef?: string;
}

/** How a flow run ended: its final state and its result or error. */
export interface FlowRunOutcome<R = unknown> {
  flowRunId: string;
  flowRunName: string;
  state: State;
  ok: boolean;
  result?: R;
  error?: unknown;
}

/** Checks (and coerces) parameters with the flow's schema; nothing is recorded for bad ones. */
export function validateParameters(flow: FlowDefinition, raw: unknown): Record<string, unknown> {
  const params = raw ?? {};
  const schema = flow.options.parameters;
  if (!schema || flow.options.validateParameters === false) {
    if (typeof params !== 'object' || Array.isArray(params)) {
      throw new ParameterValidationError(flow.name, [{ path: '', message: 'parameters must be an object' }]);
    }
    return params as Record<string, unknown>;
  }
  let parsed = schema.safeParse(params);
  // Values given as JSON text ("1" for a number) are read as --param reads them, then checked again.
  if (!parsed.success) parsed = schema.safeParse(coerceParameters(schema, params));
  if (!parsed.success) {
    throw new ParameterValidationError(
      flow.name,
      parsed.error.issues.map((issue) => ({ path: issue.path.map(String).join('.'), message: issue.message })),
    );
  }
  return (parsed.data ?? {}) as Record<string, unknown>;
}

/** The function's arguments and the run's parameters by name, checked; nothing is recorded for bad ones. */
function bindFlowCall(flow: FlowDefinition, input: FlowInput): BoundFlowCall {
  const { signature } = flow;
  if (signature.kind === 'positional') {
    return 'args' in input ? bindArguments(flow.name, signature.parameters, input.args) : bindByName(flow.name, signature.parameters, input.byName);
  }
  if ('args' in input && input.args.length > 1) {
    const message = `the flow takes its parameters as one object, but was called with ${input.args.length} arguments`;
    throw new ParameterValidationError(flow.name, [{ path: '', message }]);
  }
  const params = validateParameters(flow, 'args' in input ? input.args[0] : input.byName);
  return { args: [params], params };
}

function flowRunName(flow: FlowDefinition, params: Record<string, unknown>): string {
  const template = flow.options.flowRunName;
  try {
    if (typeof template === 'function') return String(template(params));
    if (typeof template === 'string') return renderTemplate(template, params);
  } catch {
    // A failing name template must not stop the run.
  }
  return generateRunName();
}

/** How many pieces of work a flow run still waits for, each counted piece as itself. */
function unfinishedWork(frame: FlowRunFrame): number {
  const counted = [frame.unsettledRuns, frame.pendingRecords];
  return counted.reduce((sum, work) => sum + work.size - (work.size > 0 ? 1 : 0), frame.outstanding.size);
}

class FlowRunExecution extends RunExecution<FlowRunOutcome> {
  readonly id: string;
  readonly name: string;
  protected readonly logger: RunLogger;
  /** Fires on cancellation or crash; each attempt's signal follows it. */
  private readonly runController = new AbortController();
  private storedType: StateType | null = null;
  private readonly storedStates = new StoredStates();
  private stopFollowingParent: () => void = () => {};
  private readonly params: Record<string, unknown>;
  private readonly args: unknown[];
  /** A debug run's session; a subflow takes its parent's. */
  private debug: DebugSession | null = null;
  private readonly journal: ResultJournal;

  constructor(
    private readonly flow: FlowDefinition,
    call: BoundFlowCall,
    private readonly request: FlowRunRequest,
    private readonly subflowTaskRun: SubflowTaskRun | null,
  ) {
    super('flow');
    this.params = call.params;
    this.args = call.args;
    this.id = request.flowRunId ?? request.newFlowRunId ?? newId();
    this.name = request.flowRunName ?? flowRunName(flow, this.params);
    this.logger = new RunLogger({ flowRunId: this.id, taskRunId: null, runName: this.name, attempt: () => this.attempt }, 'flow');
    setMaxListeners(0, this.runController.signal);
    this.journal = new ResultJournal(engineSettings().home, this.id);
    this.claimsRun = request.flowRunId !== undefined;
    // A run cancelled while it waited to retry is Cancelled by the cancel command itself; its
    // hooks are still this process's to run.
    this.hooksOfHeldFinalState = true;
  }

  protected get flowRunId(): string {
    return this.id;
  }

  protected get definition(): FlowDefinition {
    return this.flow;
  }

  protected get runInfo(): RunInfo {
    return { id: this.id, name: this.name, flowRunId: this.id, attempt: this.attempt, tags: this.flow.tags };
  }

  protected followed(state: State): void {
    this.subflowTaskRun?.follow(state);
  }

  private async create(): Promise<void> {
    const parent = currentFrame();
    const parentFlow = parent ? (parent.kind === 'flow' ? parent : parent.flowRun) : null;
    if (this.request.debug) {
      this.debug = new DebugSession(this.request.debug, this.reporter, this.logger);
      if (this.request.debugListener) this.debug.listen(this.request.debugListener);
    } else this.debug = parentFlow?.debug ?? null;
    if (parentFlow) {
      // A subflow stops with its parent.
      const stop = () => this.runController.abort(parentFlow.signal.reason);
      if (parentFlow.signal.aborted) stop();
      else this.stopFollowingParent = onAbort(parentFlow.signal, stop);
    }
    if (this.request.flowRunId) return;
    const created = this.reporter.createFlowRun({
      id: this.id,
      flowName: this.flow.name,
      name: this.name,
      parameters: this.params,
      tags: [...this.flow.tags],
      parentFlowRunId: parentFlow?.flowRunId ?? null,
      parentTaskRunId: parent?.kind === 'task' ? parent.taskRunId : (this.subflowTaskRun?.id ?? null),
      entrypoint: this.request.entrypoint ?? null,
      retryPolicy: this.flow.retryPolicy,
      pid: process.pid,
      hostname: hostname(),
      state: { type: 'PENDING', name: 'Pending' },
      transitionId: newId(),
      ...(this.debug ? { debug: this.debug.info } : {}),
      ...(this.request.rerunOf ? { rerunOf: this.request.rerunOf } : {}),
      ...(this.request.codeRef ? { codeRef: this.request.codeRef } : {}),
    });
    // After the child, so whoever reads the task run finds the child it links to.
    this.subflowTaskRun?.create();
    this.observe(await created);
  }

  async run(): Promise<FlowRunOutcome> {
    await this.create();
    this.debug?.follow(this.id);
    const untrack = trackFlowRun(this.id, {
      onStoredState: (type, beat) => {
        this.storedType = type;
        if (type === 'CANCELLING' || type === 'CANCELLED') {
          this.runController.abort(new CancelledError(`flow run '${this.name}' was cancelled`));
        } else if (type === 'CRASHED') {
          this.runController.abort(new CancelledError(`flow run '${this.name}' was marked Crashed`));
        }
        this.storedStates.heard(type, beat);
      },
      crash: (message) => {
        this.storedType = 'CRASHED';
        return this.crash(message);
      },
    });
    try {
      return await this.runAttempts();
    } finally {
      untrack();
      this.debug?.ended(this.id);
      this.stopFollowingParent();
      this.journal.close();
    }
  }

  protected runningState(): ProposedState {
    return { type: 'RUNNING', name: 'Running' };
  }

  /** A stopped flow run still starts its attempt: its function ends, its task runs do not start. */
  protected stoppedBeforeStart(): null {
    return null;
  }

  /** Not cut short by a cancellation: the cancel command itself ends a run that has not started. */
  protected waitToStart(ms: number): Promise<void> {
    return sleep(ms);
  }

  protected notStarted(result: OrchestrationResult): FlowRunOutcome {
    const reason = result.reason ?? `the store answered ${result.status}`;
    return this.outcome(result.state ?? this.state!, false, undefined, new RunAbortedError(`flow run '${this.name}' could not start: ${reason}`));
  }

  /** A flow run starts Running or not at all. */
  protected startedInstead(_state: State, result: OrchestrationResult): StartedInstead<FlowRunOutcome> {
    return { end: this.notStarted(result) };
  }

  protected async completed(value: unknown): Promise<FlowRunOutcome> {
    const final = (await this.finish(await this.completedState(value)))!;
    return this.outcome(final, final.type === 'COMPLETED', value, undefined);
  }

  /**
   * A CancelledError reaches the flow before the heartbeat does when the store refused to start a
   * task of this (cancelling) run: it is a cancellation all the same, not a failure.
   */
  protected stopped(error: unknown): Promise<FlowRunOutcome> | null {
    if (!this.runController.signal.aborted && !(error instanceof CancelledError)) return null;
    return this.cancelled(error);
  }

  private async cancelled(error: unknown): Promise<FlowRunOutcome> {
    const crashed = this.storedType === 'CRASHED';
    const final = crashed
      ? (this.state ?? (await this.finish({ type: 'CRASHED', name: 'Crashed' })))!
      : (await this.finish({ type: 'CANCELLED', name: 'Cancelled', message: (error as Error)?.message ?? 'cancelled' }))!;
    return this.outcome(final, false, undefined, error instanceof CancelledError ? error : new CancelledError());
  }

  protected loggedFailure(error: unknown, retry: State | null): void {
    if (retry) this.logger.error(`flow run attempt ${retry.attempt} failed; retrying: ${failureLogText(error)}`);
    else this.logger.error(`flow run failed: ${failureLogText(error)}`);
  }

  protected async waitToRetry(at: number): Promise<{ end: FlowRunOutcome } | undefined> {
    try {
      await sleepUntil(at, this.runController.signal);
      return undefined;
    } catch (reason) {
      const final = (await this.finish({ type: 'CANCELLED', name: 'Cancelled', message: String((reason as Error)?.message) }))!;
      return { end: this.outcome(final, false, undefined, reason) };
    }
  }

  protected failedFinally(state: State | null, error: unknown): FlowRunOutcome {
    return this.outcome(state ?? this.state!, false, undefined, error);
  }

  private async completedState(value: unknown): Promise<ProposedState> {
    const state: ProposedState = { type: 'COMPLETED', name: 'Completed', resultPreview: previewOf(value, FLOW_RESULT_LIMIT) };
    if (this.flow.options.persistResult) {
      const ref = await persistResult(this.id, value, (reason) => this.logger.warning(`the flow's result could not be persisted: ${reason}`));
      if (ref !== null) state.resultRef = ref;
    }
    return state;
  }

  private outcome(state: State, ok: boolean, result: unknown, error: unknown): FlowRunOutcome {
    return { flowRunId: this.id, flowRunName: this.name, state, ok, result, error };
  }

  /** One attempt: the flow function, then every task run it started, settled. */
  protected async attemptOnce(): Promise<AttemptOutcome> {
    const scope = new AttemptScope(this.runController.signal, this.flow.options.timeoutSeconds, 'flow', this.name);
    // A run stopped before its attempt began still lets the flow function end; its task runs do not start.
    const stoppedAlready = scope.aborted;
    const signal = scope.signal;
    setMaxListeners(0, signal);
    const logPrints = this.flow.options.logPrints ?? false;
    if (logPrints) installLogPrints();
    const outstanding = new Set<Promise<unknown>>();
    let reuse: ReusePlan | null = null;
    if (this.request.reuse) {
      try {
        reuse = await loadReusePlan(this.reporter, this.request.reuse, engineSettings().home);
      } catch (error) {
        scope.stopClock();
        scope.release();
        return { ok: false, error };
      }
    }
    const frame: FlowRunFrame = {
      kind: 'flow',
      flowRunId: this.id,
      flowRunName: this.name,
      flowName: this.flow.name,
      parameters: this.params,
      attempt: this.attempt,
      signal,
      logger: this.logger,
      logPrints,
      taskRunner: this.flow.options.taskRunner ?? new ConcurrentTaskRunner(),
      dynamicKeys: new Map(),
      outstanding,
      unsettledRuns: new CountedWork(outstanding),
      pendingRecords: new CountedWork(outstanding),
      resultLinks: new WeakMap(),
      unrecorded: null,
      proposeOwnState: (state, transitionId) => this.propose(state, false, transitionId),
      storedStates: this.storedStates,
      debug: this.debug,
      reuse,
      journal: this.journal,
    };
    let outcome: { ok: true; value: unknown } | { ok: false; error: unknown };
    try {
      const body = runStorage.run(frame, async () => (this.flow.fn as (...args: unknown[]) => unknown)(...this.args));
      outcome = { ok: true, value: await (stoppedAlready ? body : scope.race(body)) };
    } catch (error) {
      outcome = { ok: false, error };
      // Task runs still going belong to a failed attempt: stop them too.
      if (!scope.aborted) scope.abort(error instanceof Error ? error : new Error(String(error)));
    } finally {
      scope.stopClock();
    }
    await this.settle(frame);
    scope.release();
    if (reuse) {
      if (reuse.reused > 0)
        this.logger.info(
          `reused the recorded results of ${reuse.reused} task run(s) of ${reuse.recorded.flowRunId === this.id ? 'earlier attempts' : `flow run ${reuse.recorded.flowRunId}`}`,
        );
      reuse.close();
    }
    if (outcome.ok && scope.aborted) return { ok: false, error: scope.reason };
    if (outcome.ok && frame.unrecorded) return { ok: false, error: frame.unrecorded.error };
    if (outcome.ok) return judgeReturnedValue(outcome.value);
    return outcome;
  }

  /** Waits for every task run of the attempt; after a cancellation, only for the grace period. */
  private async settle(frame: FlowRunFrame): Promise<void> {
    const graceMs = engineSettings().cancelGraceSeconds * 1000;
    while (frame.outstanding.size > 0) {
      const pending = Promise.allSettled([...frame.outstanding]);
      if (!frame.signal.aborted) {
        await pending;
        continue;
      }
      let timer: NodeJS.Timeout | undefined;
      const timedOut = await Promise.race([
        pending.then(() => false),
        new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(true), graceMs))),
      ]);
      clearTimeout(timer);
      if (timedOut) {
        this.logger.warning(`${unfinishedWork(frame)} task or subflow run(s) did not stop within ${graceMs / 1000}s of the cancellation`);
        return;
      }
    }
  }
}

/** Starts the child run of a bound call, and ends the call's task run in the parent as the child ends. */
function startChild(
  flow: FlowDefinition,
  call: BoundFlowCall,
  request: FlowRunRequest,
  subflowTaskRun: SubflowTaskRun | null,
): Promise<FlowRunOutcome> {
  const execution = new FlowRunExecution(flow, call, request, subflowTaskRun).run();
  if (!subflowTaskRun) return execution;
  return execution.then(
    async (outcome) => {
      if (outcome.ok) subflowTaskRun.linkResult(outcome.result);
      await subflowTaskRun.finish(outcome.state, outcome.ok, outcome.result, outcome.error);
      return outcome;
    },
    async (error: unknown) => {
      await subflowTaskRun.finish(null, false, undefined, error);
      throw error;
    },
  );
}

/**
 * A call handed futures, as Prefect resolves a subflow's parameters before it runs: its task run
 * waits Pending for them, rests NotReady when one did not complete, and the child is bound and
 * started with their results.
 */
async function startAfterUpstream(
  flow: FlowDefinition,
  args: readonly unknown[],
  request: FlowRunRequest,
  subflowTaskRun: SubflowTaskRun | null,
  links: ResultLinks,
): Promise<FlowRunOutcome> {
  // Handed a map that does not know its runs yet, the call is recorded once it does, with them.
  const runsKnown = runsKnownOf(args);
  if (runsKnown) await runsKnown;
  subflowTaskRun?.create(runsKnown ? upstreamOf(links, args).ids : undefined);
  // The argument list is one level more than the arguments themselves.
  const resolution = await resolveFutures(args, FUTURE_SEARCH_DEPTH + 1);
  const failed = resolution.failed[0];
  if (failed) {
    // A map over a future that could not start: its own error says why.
    const error = failed.future
      ? new UpstreamFailedError(failed.future.taskRunId, failed.future.state, failed.future.runName, 'subflow')
      : failed.error;
    await subflowTaskRun?.notReady(errorInfo(error).message);
    throw error;
  }
  let call: BoundFlowCall;
  try {
    call = bindFlowCall(flow, { args: resolution.value as unknown[] });
  } catch (error) {
    await subflowTaskRun?.finish(null, false, undefined, error);
    throw error;
  }
  return startChild(flow, call, request, subflowTaskRun);
}

/** Runs a flow to its final state. Rejects only for bad parameters or a missing store. */
export async function executeFlowRun(flow: FlowDefinition, input: FlowInput, request: FlowRunRequest = {}): Promise<FlowRunOutcome> {
  const frame = currentFrame();
  const parent = currentFlowRun();
  const args = 'args' in input ? input.args : null;
  // Futures and task run results in a subflow call's arguments are its upstream, as a task's are.
  const upstream = args && parent ? upstreamOf(parent.resultLinks, args) : NO_UPSTREAM;
  // Futures are bound once resolved; a wrong number of arguments is refused at once all the same.
  if (upstream.waits && flow.signature.kind === 'positional') bindFlowCall(flow, input);
  const call = upstream.waits ? null : bindFlowCall(flow, input);
  // A subflow called by a flow's own code is also a task run of its parent; one called inside a
  // task has that task run for its parent already.
  const subflowTaskRun =
    frame?.kind === 'flow' && request.flowRunId === undefined ? new SubflowTaskRun(frame, flow.name, call ? call.args : args!, upstream.ids) : null;
  // In a re-run, the child's calls match the task runs of the child its call made before.
  if (subflowTaskRun && parent?.reuse && !request.reuse) {
    const reuse = parent.reuse.subflow(flow.name, subflowTaskRun.dynamicKey);
    if (reuse) request = { ...request, reuse };
  }
  const run = call ? startChild(flow, call, request, subflowTaskRun) : startAfterUpstream(flow, args!, request, subflowTaskRun, parent!.resultLinks);
  // A subflow is work of its parent's attempt: the parent settles only once the subflow has.
  if (parent) {
    parent.outstanding.add(run);
    const forget = () => parent.outstanding.delete(run);
    run.then(forget, forget);
  }
  return run;
}
