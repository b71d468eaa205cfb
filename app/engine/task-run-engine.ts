import type { BreakpointAnswer, CreateTaskRun, OrchestrationResult, ProposedState, RecordedTaskRun, RetryPolicy, State } from '../core/index.js';
import { BREAKPOINT, CONTINUED, PINNED, SKIPPED } from '../core/debugging.js';
import { newId } from '../core/ids.js';
import { isTerminal, NOT_READY } from '../core/state-model.js';
import { AttemptScope } from './attempt-scope.js';
import { computeCacheKey, type CacheKeyContext, type CachePolicy } from './cache.js';
import { runStorage, type FlowRunFrame, type RunFrame, type TaskRunFrame } from './context.js';
import type { DebugSession } from './debug-session.js';
import { trackTaskRun, untrackTaskRun, type CrashableRun } from './heartbeats.js';
import { CancelledError, errorInfo, RunAbortedError, TimeoutError, UpstreamFailedError } from './errors.js';
import { AllowFailure, TaskRunFuture } from './futures.js';
import { installLogPrints } from './log-prints.js';
import { maskCredentials } from './mask-credentials.js';
import { RunLogger } from './logger.js';
import type { RunInfo, TaskOptions } from './options.js';
import { exactJsonOf, previewOf, previewOfJson } from './previews.js';
import { FUTURE_SEARCH_DEPTH, resolveFutures, type UnresolvedFuture } from './resolve-futures.js';
import { failureLogText } from './failure-log.js';
import { persistResult, readAnyResult, resultsLeaveHome } from './results.js';
import { failedStateOf, RunExecution, type AttemptOutcome, type FailedAttempt, type RunEndListener, type StartedInstead } from './run-execution.js';
import { taskCodeHash } from './task-code.js';
import { inputsAsJson, inputsOf, nextDynamicKey } from './task-run-records.js';
import { linkResult, runsKnownOf, upstreamOf, type UpstreamLinks } from './upstream-links.js';
import { sleep, sleepUntil } from './sleep.js';
import type { Admission, TaskCall, TaskRunner } from './task-runners/task-runner.js';
import { argumentValues, renderTemplate } from './templates.js';

/** Everything the engine needs to know about a task, fixed when it is defined. */
export interface TaskDefinition {
  name: string;
  /** Unique within its module; how worker threads find it again. */
  taskKey: string;
  fn: (...args: never[]) => unknown;
  options: TaskOptions<never[], unknown>;
  moduleUrl: string | null;
  source: string;
  paramNames: (string | null)[];
  retryPolicy: RetryPolicy;
  cachePolicy: CachePolicy | null;
  tags: readonly string[];
  /** The public task object, handed to hooks and retry conditions. */
  subject: unknown;
}

interface TaskRunRequest {
  task: TaskDefinition;
  args: readonly unknown[];
  waitFor: readonly (TaskRunFuture | AllowFailure<unknown>)[];
  /** Known for submitted runs, so the future sees each state. */
  future?: TaskRunFuture;
  taskRunId?: string;
  /** Task runs whose results the arguments came from beyond what they show: a mapped list's. */
  linkedUpstream?: readonly string[];
}

/** Adds the runs a call is linked to beyond its arguments; they are results already, nothing to wait for. */
function withLinked(upstream: UpstreamLinks, linked: readonly string[] | undefined): UpstreamLinks {
  if (!linked || linked.length === 0) return upstream;
  const ids = new Set(upstream.ids);
  for (const id of linked) ids.add(id);
  return { ids: [...ids], waits: upstream.waits };
}

/** Replaces futures inside arguments (also within arrays and plain objects) with their results. */
async function resolveArguments(
  args: readonly unknown[],
  waitFor: readonly (TaskRunFuture | AllowFailure<unknown>)[],
): Promise<{ args: unknown[]; failed: UnresolvedFuture | null }> {
  // The argument list is one level more than the arguments themselves.
  const resolution = await resolveFutures(args, FUTURE_SEARCH_DEPTH + 1);
  let failed = resolution.failed[0] ?? null;
  for (const item of waitFor) {
    const future = item instanceof AllowFailure ? item.future : item;
    const outcome = await future.outcome();
    if (!outcome.ok && !(item instanceof AllowFailure)) failed ??= { future, error: outcome.error };
  }
  return { args: resolution.value as unknown[], failed };
}

/** Why a run cannot start when an upstream did not complete. */
function upstreamError(failed: UnresolvedFuture): unknown {
  if (failed.future) return new UpstreamFailedError(failed.future.taskRunId, failed.future.state, failed.future.runName);
  // A map over a future that could not start: its own error says why.
  return failed.error;
}

function taskRunName(task: TaskDefinition, args: readonly unknown[], dynamicKey: number): string {
  const template = task.options.taskRunName;
  try {
    if (typeof template === 'function') return String((template as (...a: unknown[]) => unknown)(...args));
    if (typeof template === 'string') return renderTemplate(template, argumentValues(task.paramNames, args));
  } catch {
    // A name template that fails must not fail the run; the default name is used.
  }
  return `${task.name}-${dynamicKey}`;
}

/**
 * The states every task run proposes alike, shared rather than made for each: the store reads a
 * proposed state and builds its own, and frozen, they cannot be changed by mistake.
 */
const PENDING: ProposedState = Object.freeze({ type: 'PENDING', name: 'Pending' });
const RUNNING: ProposedState = Object.freeze({ type: 'RUNNING', name: 'Running' });

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (typeof value === 'object' || typeof value === 'function') && value !== null && typeof (value as PromiseLike<unknown>).then === 'function';
}

/**
 * One attempt of a task run as its code and its runner see it: the run frame that
 * getRunContext() and getRunLogger() read, and the call the runner executes. One object for both,
 * its signal and logger made only when asked for: a map makes one for every item.
 */
class TaskAttempt implements TaskRunFrame, TaskCall {
  readonly logPrints: boolean;

  constructor(
    private readonly execution: TaskRunExecution,
    readonly flowRun: FlowRunFrame,
    private readonly scope: AttemptScope,
    private readonly task: TaskDefinition,
    readonly args: unknown[],
    readonly attempt: number,
  ) {
    this.logPrints = task.options.logPrints ?? flowRun.logPrints;
  }

  // Read from the run and its task rather than copied into every attempt.
  get kind(): 'task' {
    return 'task';
  }

  get taskRunId(): string {
    return this.execution.id;
  }

  get taskRunName(): string {
    return this.execution.name;
  }

  get taskKey(): string {
    return this.task.taskKey;
  }

  get moduleUrl(): string | null {
    return this.task.moduleUrl;
  }

  get signal(): AbortSignal {
    return this.scope.signal;
  }

  get logger(): RunLogger {
    return this.execution.logger;
  }

  runInline(): unknown {
    return (this.task.fn as (...a: unknown[]) => unknown)(...this.args);
  }

  log(level: number, message: string): void {
    this.execution.logger.log(level, message);
  }
}

/** Runs an attempt's body with its runner; a plain function, so entering the run's context makes no closure. */
function executeAttempt(runner: TaskRunner, attempt: TaskAttempt): unknown {
  return runner.execute(attempt);
}

/**
 * One task run in a flow run, from Pending to a final state, through every attempt. A submitted
 * run hears how it ended itself (RunEndListener), so it needs no promise of its end.
 */
class TaskRunExecution extends RunExecution<unknown> implements RunEndListener<unknown>, Admission {
  readonly id: string;
  readonly name: string;
  private runLogger: RunLogger | null = null;

  /** Made on first use: most task runs never log. */
  get logger(): RunLogger {
    this.runLogger ??= new RunLogger({ flowRunId: this.flow.flowRunId, taskRunId: this.id, runName: this.name, attempt: () => this.attempt }, 'task');
    return this.runLogger;
  }
  private upstream: UpstreamLinks;
  /** Settles once the run is recorded, when that waits for the maps it was handed to know their runs. */
  private recording: Promise<void> | null = null;
  /** The arguments each attempt is called with, once the futures among them are resolved. */
  private args: unknown[] = [];
  private cacheKey: string | null = null;
  /** The runner whose place a submitted run holds until it settles (see TaskRunner.admit). */
  private admittedBy: TaskRunner | undefined;
  /** Whether the run holds its place with that runner now: it gives it up while stopped at a breakpoint. */
  private holdsPlace = false;
  /** Its place among the active task runs (see trackTaskRun). */
  previousActive: CrashableRun | null = null;
  nextActive: CrashableRun | null = null;

  constructor(
    private readonly flow: FlowRunFrame,
    private request: TaskRunRequest,
  ) {
    super('task');
    const task = request.task;
    const dynamicKey = nextDynamicKey(flow, task.taskKey);
    this.id = request.taskRunId ?? newId();
    // A re-run's call reuses its match's recorded result, or runs (with a person's inputs, when given).
    const reuse = flow.reuse?.decide(task.taskKey, dynamicKey, taskCodeHash(task)) ?? null;
    if (reuse?.reuse === false && reuse.args) this.request = request = { ...request, args: reuse.args, waitFor: [] };
    this.name = taskRunName(task, request.args, dynamicKey);
    this.upstream = withLinked(upstreamOf(flow.resultLinks, request.args, request.waitFor), request.linkedUpstream);
    if (reuse?.reuse) {
      this.recordReused(dynamicKey, reuse.from, reuse.value);
      return;
    }
    // Handed a map that does not know its runs yet, the run is recorded once it does, with them
    // for its upstream, as Prefect's map knows its runs before the next call is made.
    const runsKnown = this.upstream.waits ? runsKnownOf(request.args) : null;
    if (runsKnown) this.recording = runsKnown.then(() => this.record(dynamicKey, true));
    else this.record(dynamicKey, false);
    if (reuse?.why) this.logger.info(reuse.why);
  }

  /** Set for a call of a re-run that reuses a recorded result instead of running. */
  private reused: { value: unknown } | null = null;

  get isReused(): boolean {
    return this.reused !== null;
  }

  /**
   * Records the run Completed at once, named Cached, with the recorded result it reuses and the
   * task run that computed it; the run never starts.
   */
  private recordReused(dynamicKey: number, from: RecordedTaskRun, value: unknown): void {
    this.reused = { value };
    linkResult(this.flow.resultLinks, value, this.id);
    const origin = this.flow.reuse!.describeOrigin(from, this.flow.flowRunId);
    const request: CreateTaskRun = {
      id: this.id,
      flowRunId: this.flow.flowRunId,
      taskKey: this.request.task.taskKey,
      name: this.name,
      dynamicKey,
      flowRunAttempt: this.flow.attempt,
      tags: this.request.task.tags as string[],
      retryPolicy: this.request.task.retryPolicy,
      inputs: inputsOf(this.request.args),
      upstream: this.upstream.waits ? [] : this.upstream.ids,
      state: {
        type: 'COMPLETED',
        name: 'Cached',
        resultRef: from.resultRef!,
        reusedFrom: origin.id,
        resultPreview: previewOf(value),
        message: `reused ${origin.text}`,
      },
      transitionId: newId(),
    };
    // The flow run waits for the record to land, as for any Completed state.
    this.flow.pendingRecords.add();
    const answered = (result: OrchestrationResult) => {
      this.observe(result);
      this.finalRecorded();
    };
    const failed = (error: unknown) => this.completedNotRecorded(error);
    if (this.reporter.createTaskRunThen) this.reporter.createTaskRunThen(request, answered, failed);
    else this.reporter.createTaskRun(request).then(answered, failed);
  }

  /** Records the run, Pending; `again` finds its upstream anew once the maps it was handed know their runs. */
  private record(dynamicKey: number, again: boolean): void {
    const { task, args, waitFor, linkedUpstream } = this.request;
    if (again) this.upstream = withLinked(upstreamOf(this.flow.resultLinks, args, waitFor), linkedUpstream);
    const request: CreateTaskRun = {
      id: this.id,
      flowRunId: this.flow.flowRunId,
      taskKey: task.taskKey,
      name: this.name,
      dynamicKey,
      flowRunAttempt: this.flow.attempt,
      // Shared, not copied: the store writes the same JSON for every run of the task.
      tags: task.tags as string[],
      retryPolicy: task.retryPolicy,
      inputs: inputsOf(args),
      upstream: this.upstream.ids,
      state: PENDING,
      transitionId: newId(),
    };
    // Its outcome reaches us through the next transition; only a lost write is worth a word.
    const answered = (result: OrchestrationResult) => this.observe(result);
    const failed = (error: unknown) => this.logger.error(`could not record the task run: ${String(error)}`);
    if (this.reporter.createTaskRunThen) this.reporter.createTaskRunThen(request, answered, failed);
    else this.reporter.createTaskRun(request).then(answered, failed);
  }

  protected get flowRunId(): string {
    return this.flow.flowRunId;
  }

  protected get definition(): TaskDefinition {
    return this.request.task;
  }

  protected get runInfo(): RunInfo {
    return { id: this.id, name: this.name, flowRunId: this.flow.flowRunId, attempt: this.attempt, tags: this.request.task.tags };
  }

  protected followed(state: State): void {
    this.request.future?.observe(state);
  }

  /**
   * Answers may arrive out of order: a remote server's answer to the creation can come after the
   * start was answered from the journal.
   */
  protected override isStale(state: State): boolean {
    return this.state !== null && (state.timestamp < this.state.timestamp || (state.type === 'PENDING' && this.state.type !== 'PENDING'));
  }

  run(): Promise<unknown> {
    if (this.reused) return Promise.resolve(this.reused.value);
    // Most calls pass plain values: nothing to wait for.
    if (this.recording || this.upstream.waits) return this.runAfterUpstream();
    return this.startWith(this.request.args as unknown[]);
  }

  /** A submitted run waits for a place with a runner that admits runs, and holds it until it settles (see `settled`). */
  admitBy(runner: TaskRunner): void {
    this.admittedBy = runner;
    runner.admit!(this);
  }

  admitted(): void {
    this.holdsPlace = true;
    this.runSubmitted();
  }

  /** Runs a submitted run, which settles itself (see `settled`). */
  runSubmitted(): void {
    if (this.reused) this.settled(true, this.reused.value);
    else if (this.recording || this.upstream.waits) this.runEnded(this.runAfterUpstream());
    else this.startWithTo(this.request.args as unknown[], this);
  }

  runEnded(end: unknown): void {
    if (isThenable(end)) {
      end.then(
        (value) => this.settled(true, value),
        (error: unknown) => this.settled(false, error),
      );
    } else this.settled(true, end);
  }

  runFailed(error: unknown): void {
    this.settled(false, error);
  }

  /**
   * Once the run has settled: gives the place it was admitted to back (see TaskRunner.admit), tells
   * its future, and the flow run waits for it no more. A completed run stays tracked until its
   * Completed state is recorded (see `completed`).
   */
  settled(ok: boolean, valueOrError: unknown): void {
    if (this.holdsPlace) {
      this.holdsPlace = false;
      this.admittedBy?.leave?.();
    }
    if (!ok) untrackTaskRun(this);
    this.flow.unsettledRuns.done();
    const future = this.request.future;
    if (!future) return;
    if (!ok) future.finalRecorded();
    future.settle(ok, valueOrError);
  }

  /** Waits for the run to be recorded and for the futures it was handed, then starts with their results. */
  private async runAfterUpstream(): Promise<unknown> {
    if (this.recording) await this.recording;
    const { args, failed } = !this.upstream.waits
      ? { args: this.request.args as unknown[], failed: null }
      : await resolveArguments(this.request.args, this.request.waitFor);
    if (failed) {
      // As in Prefect: a run whose upstream did not complete never runs and rests NotReady.
      const error = upstreamError(failed);
      const message = errorInfo(error).message;
      await this.finish({ type: 'PENDING', name: NOT_READY, message });
      this.logger.warning(`did not run: ${maskCredentials(message)}`);
      throw error;
    }
    return this.startWith(args);
  }

  private startWith(args: unknown[]): Promise<unknown> {
    return new Promise((resolve, reject) => this.startWithTo(args, { runEnded: resolve, runFailed: reject }));
  }

  private startWithTo(args: unknown[], to: RunEndListener<unknown>): void {
    try {
      this.cacheKey = this.cacheKeyFor(args);
    } catch (error) {
      to.runEnded(this.cacheKeyFailed(error));
      return;
    }
    this.args = args;
    const debug = this.flow.debug;
    if (debug) {
      const held = this.debugStart(debug);
      if (held) {
        to.runEnded(held);
        return;
      }
    }
    this.attemptsTo(to);
  }

  /** In a debug run: the run's end when it is pinned or stops at a breakpoint before it starts; null to start now. */
  private debugStart(debug: DebugSession): Promise<unknown> | null {
    const name = this.request.task.name;
    const pin = debug.pinOf(name);
    if (pin) return this.pinned(pin.value);
    const reason = debug.stopBefore(name);
    return reason ? this.atBreakpoint(debug, reason, null) : null;
  }

  /** A pinned task does not run: its run completes as Pinned with the pinned value. */
  private async pinned(value: unknown): Promise<unknown> {
    linkResult(this.flow.resultLinks, value, this.id);
    const final = await this.finish({
      type: 'COMPLETED',
      name: PINNED,
      message: 'pinned output; the task did not run',
      resultPreview: previewOf(value),
    });
    if (final?.type !== 'COMPLETED')
      return this.notStarted({ status: 'REJECT', state: final, reason: `the store holds it ${final?.name ?? 'nowhere'}` });
    this.logger.info('used its pinned output; the task did not run');
    untrackTaskRun(this);
    return value;
  }

  /**
   * Stops at a breakpoint (before the run starts, or on `failure`, its last attempt's) until a
   * person answers: it then starts (or runs again in place) with the inputs they gave, is skipped
   * with the result they gave, or fails as it would have.
   */
  private async atBreakpoint(debug: DebugSession, reason: string, failure: FailedAttempt | null): Promise<unknown> {
    const inputs = inputsAsJson(this.args);
    const stop: ProposedState = { type: 'PAUSED', name: BREAKPOINT, message: `stopped at ${reason}`, breakpoint: { inputs } };
    if (failure) {
      stop.error = errorInfo(failure.error);
      stop.message = `stopped at ${reason}: ${stop.error.message}`;
    }
    const result = await this.propose(stop);
    const held = result.state;
    if (result.status !== 'ACCEPT' || held?.type !== 'PAUSED' || !held.transitionId) {
      if (failure) return this.recordFailure(failure);
      return this.notStarted(result);
    }
    // A stopped run gives its runner's place to the next: every run of a map reaches the breakpoint, not only the first few.
    const place = this.holdsPlace ? this.admittedBy : undefined;
    if (place) {
      this.holdsPlace = false;
      place.leave!();
    }
    const stopped = { flowRunId: this.flow.flowRunId, taskRunId: this.id, taskRunName: this.name, taskName: this.request.task.name, reason, inputs };
    if (debug.stopped(stopped)) {
      this.logger.info(`${stop.message}; go on with: flowdeck task-run continue ${this.id} (or step, skip)`);
    }
    let answer: BreakpointAnswer;
    try {
      answer = await debug.answerFor(this.flow.flowRunId, held.transitionId, this.flow.signal);
    } catch (error) {
      return this.cancelled(error);
    } finally {
      debug.wentOn(stopped);
    }
    // A run that goes on runs again in its turn; one skipped or failed runs nothing.
    if (place && (answer.action === 'continue' || answer.action === 'step')) await this.readmittedBy(place);
    return this.answered(answer, failure);
  }

  /** Waits for a place with the runner again. */
  private readmittedBy(runner: TaskRunner): Promise<void> {
    return new Promise((resolve) =>
      runner.admit!({
        admitted: () => {
          this.holdsPlace = true;
          resolve();
        },
      }),
    );
  }

  /** Goes on as a breakpoint's answer says; the store holds the state the answer moved the run to. */
  private answered(answer: BreakpointAnswer, failure: FailedAttempt | null): Promise<unknown> {
    const heard = (type: State['type'], name: string, message?: string) =>
      this.observe({
        status: 'ACCEPT',
        // Dated no later than this process's clock, so the states the run proposes next are not taken for older ones.
        state: { type, name, timestamp: Math.min(answer.answeredAt, Date.now()), attempt: this.attempt, ...(message ? { message } : {}) },
      });
    switch (answer.action) {
      case 'skip': {
        heard('COMPLETED', SKIPPED);
        this.logger.info('skipped at its breakpoint with a given result');
        linkResult(this.flow.resultLinks, answer.result, this.id);
        untrackTaskRun(this);
        return Promise.resolve(answer.result);
      }
      case 'fail': {
        heard('FAILED', 'Failed');
        const error = failure?.error ?? new Error(`task run '${this.name}' was failed at its breakpoint`);
        this.loggedFailure(error, null);
        // The error the attempt failed with, as a run outside a debug run would fail with it.
        // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors -- thrown by the task's own code
        return Promise.reject(error);
      }
      case 'continue':
      case 'step': {
        heard('PENDING', CONTINUED);
        if (answer.inputs) {
          this.args = answer.inputs;
          this.logger.info(`goes on with edited inputs: ${previewOf(answer.inputs)}`);
          try {
            this.cacheKey = this.cacheKeyFor(this.args);
          } catch (error) {
            return this.cacheKeyFailed(error);
          }
        }
        return this.runAttempts();
      }
      case 'break':
        return Promise.reject(new Error(`a task run's breakpoint cannot be answered with '${answer.action}'`));
    }
  }

  /** A debug run's task run that failed its last attempt stops there instead of failing. */
  protected override stopOnFailure(outcome: FailedAttempt): Promise<unknown> | null {
    const debug = this.flow.debug;
    if (!debug?.breakOnFailure || this.attempt <= this.request.task.retryPolicy.retries) return null;
    return this.atBreakpoint(debug, 'its failure', outcome);
  }

  /** Records a failure as a run outside a debug run would, when it could not stop at its breakpoint. */
  private async recordFailure(failure: FailedAttempt): Promise<never> {
    const final = await this.finish(failedStateOf(failure));
    this.loggedFailure(failure.error, null);
    return this.failedFinally(final, failure.error);
  }

  /** A cache key function or policy that throws fails the run before it starts. */
  private async cacheKeyFailed(error: unknown): Promise<never> {
    const info = errorInfo(error);
    this.logger.error(`the cache key could not be computed: ${failureLogText(error)}`);
    await this.finish({
      type: 'FAILED',
      name: 'Failed',
      message: `the cache key could not be computed: ${info.message}`,
      error: info,
      retryable: false,
    });
    throw error;
  }

  protected runningState(): ProposedState {
    const cacheKey = this.cacheKey;
    return cacheKey !== null
      ? { type: 'RUNNING', name: 'Running', cacheKey, refreshCache: this.request.task.options.refreshCache === true }
      : RUNNING;
  }

  protected stoppedBeforeStart(): Promise<never> | null {
    return this.flow.signal.aborted ? this.cancelled(this.flow.signal.reason) : null;
  }

  protected waitToStart(ms: number): Promise<void> {
    return this.pause(sleep(ms, this.flow.signal));
  }

  protected startedInstead(state: State): StartedInstead<unknown> {
    if (state.type === 'COMPLETED') return { end: this.cachedResult(state) };
    if (state.type === 'SCHEDULED') return { proposeAgainAt: state.scheduledTime ?? Date.now() };
    return null;
  }

  protected async waitToRetry(at: number): Promise<undefined> {
    await this.pause(sleepUntil(at, this.flow.signal));
    return undefined;
  }

  /** Waits, turning a cancellation of the flow into the task's own. */
  private async pause(wait: Promise<void>): Promise<void> {
    try {
      await wait;
    } catch (error) {
      await this.cancelled(error);
    }
  }

  private cacheKeyFor(args: unknown[]): string | null {
    const task = this.request.task;
    if (!task.cachePolicy && !task.options.cacheKeyFn) return null;
    const ctx: CacheKeyContext = {
      taskKey: task.taskKey,
      taskSource: task.source,
      flowRunId: this.flow.flowRunId,
      flowParameters: this.flow.parameters,
      inputs: argumentValues(task.paramNames, args),
      args,
    };
    return computeCacheKey(ctx, task.options.cacheKeyFn, task.cachePolicy, (reason) => this.logger.warning(`not cached: ${reason}`));
  }

  protected attemptOnce(): AttemptOutcome | Promise<AttemptOutcome> {
    const task = this.request.task;
    const scope = new AttemptScope(this.flow.signal, task.options.timeoutSeconds, 'task', this.name);
    const attempt = new TaskAttempt(this, this.flow, scope, task, this.args, this.attempt);
    // A task may ask for its prints when its flow does not.
    if (attempt.logPrints) installLogPrints();
    let returned: unknown;
    try {
      returned = runStorage.run(attempt, executeAttempt, this.flow.taskRunner, attempt);
    } catch (error) {
      scope.end();
      return { ok: false, error };
    }
    // A synchronous task is done already: no promise, no race.
    if (!isThenable(returned)) {
      scope.end();
      return { ok: true, value: returned };
    }
    return scope.race(returned).then(
      (value) => {
        scope.end();
        return { ok: true as const, value };
      },
      (error: unknown) => {
        scope.end();
        return { ok: false as const, error };
      },
    );
  }

  protected completed(value: unknown): unknown {
    const task = this.request.task;
    const cacheKey = this.cacheKey;
    linkResult(this.flow.resultLinks, value, this.id);
    // Most results are plain JSON: one rendering serves the preview and the recorded result.
    const json = exactJsonOf(value);
    const state: ProposedState = { type: 'COMPLETED', name: 'Completed', resultPreview: json !== null ? previewOfJson(json) : previewOf(value) };
    // A debug run that goes up to this task breaks before the flow's next call starts a task run.
    this.flow.debug?.completed(task.name, this.flow.flowRunId);
    // The flow run waits for the Completed state to land, even when a stored result is written first.
    this.flow.pendingRecords.add();
    if (cacheKey !== null || task.options.persistResult) {
      const ref = persistResult(cacheKey ?? this.id, value, (reason) =>
        this.logger.warning(`the result could not be persisted, so it is not cached: ${reason}`),
      );
      if (ref instanceof Promise) void ref.then((written) => this.sendCompleted(this.withPersisted(state, written, cacheKey)));
      else this.sendCompleted(this.withPersisted(state, ref, cacheKey));
    } else if (task.options.persistResult !== false && resultsLeaveHome()) {
      // Recorded where other machines can read it, for a re-run from there to reuse.
      const ref = persistResult(
        `task-run:${this.id}`,
        value,
        (reason) => this.flow.logger.warning(`the task result could not be recorded, so a re-run runs it again: ${reason}`),
        taskCodeHash(task),
      ) as Promise<string | null>;
      void ref.then((written) => {
        if (written !== null) state.resultRef = written;
        this.sendCompleted(state);
      });
    } else {
      if (task.options.persistResult !== false) {
        // Recorded for a retry or a run from a chosen task to reuse.
        const ref = this.flow.journal.append(value, taskCodeHash(task), json, (reason) =>
          this.flow.logger.warning(`task results cannot be recorded, so a retry runs every task again: ${reason}`),
        );
        if (ref !== null) state.resultRef = ref;
      }
      this.sendCompleted(state);
    }
    return value;
  }

  /** The Completed state with the persisted result's ref and cache entry, when it was written. */
  private withPersisted(state: ProposedState, ref: string | null, cacheKey: string | null): ProposedState {
    if (ref === null) return state;
    state.resultRef = ref;
    if (cacheKey !== null) {
      state.cacheKey = cacheKey;
      const expiry = this.request.task.options.cacheExpirationSeconds;
      if (expiry !== undefined) state.cacheExpirationSeconds = expiry;
    }
    return state;
  }

  private sendCompleted(state: ProposedState): void {
    // The caller gets the value at once; the Completed state commits with whatever the flow does
    // next, so nothing that follows can be durable before it. The flow run waits for it to land.
    this.sendThen(state, false, this.completedAnswered, this.completedNotRecorded);
  }

  private completedAnswered(result: OrchestrationResult): void {
    this.observe(result);
    const final = result.state;
    if (final && isTerminal(final.type) && final.type !== 'COMPLETED') {
      this.logger.warning(`the task run ended ${final.name} while it finished`);
    }
    const hooks = result.status === 'ACCEPT' && final ? this.hooksFor(final) : undefined;
    if (hooks) void hooks.then(() => this.finalRecorded());
    else this.finalRecorded();
  }

  private completedNotRecorded(error: unknown): void {
    this.logger.error(`the task run's Completed state could not be recorded: ${String(error)}`);
    this.flow.unrecorded ??= { error };
    this.finalRecorded();
  }

  /** The run's Completed state is answered (or never will be), and its hooks have run. */
  private finalRecorded(): void {
    untrackTaskRun(this);
    this.request.future?.finalRecorded();
    this.flow.pendingRecords.done();
  }

  protected stopped(error: unknown): Promise<never> | null {
    return this.flow.signal.aborted && !(error instanceof TimeoutError) ? this.cancelled(error) : null;
  }

  /** A task's retry condition may keep a failed attempt from being retried. */
  protected override failedState(failure: FailedAttempt): ProposedState | Promise<ProposedState> {
    const task = this.request.task;
    if (!task.options.retryCondition || this.attempt > task.retryPolicy.retries) return { ...failedStateOf(failure), retryable: true };
    return this.retryable(failure.error).then((retryable) => ({ ...failedStateOf(failure), retryable }));
  }

  private async retryable(error: unknown): Promise<boolean> {
    const task = this.request.task;
    try {
      return await task.options.retryCondition!(task.subject, this.runInfo, error);
    } catch (conditionError) {
      this.logger.error(`the retry condition failed, so the task is not retried: ${String(conditionError)}`);
      return false;
    }
  }

  protected loggedFailure(error: unknown, retry: State | null): void {
    if (retry) {
      const delayMs = Math.max(0, (retry.scheduledTime ?? Date.now()) - Date.now());
      this.logger.error(`attempt ${retry.attempt} failed; retrying in ${delayMs} ms: ${failureLogText(error)}`);
      return;
    }
    const attempts = this.attempt > 1 ? ` after ${this.attempt} attempts` : '';
    this.logger.error(`failed${attempts}: ${failureLogText(error)}`);
  }

  protected failedFinally(_state: State | null, error: unknown): never {
    throw error;
  }

  override async crash(message: string): Promise<void> {
    if (this.recording) await this.recording;
    await super.crash(message);
  }

  private async cancelled(reason: unknown): Promise<never> {
    const message = reason instanceof Error ? reason.message : 'the flow run was cancelled';
    await this.finish({ type: 'CANCELLED', name: 'Cancelled', message });
    throw reason instanceof CancelledError ? reason : new CancelledError(message);
  }

  protected async notStarted(result: OrchestrationResult): Promise<never> {
    const reason = result.reason ?? `the store answered ${result.status}`;
    if (this.flow.signal.aborted || result.code === 'FLOW_STOPPING' || result.code === 'RUN_STOPPED')
      return this.cancelled(new CancelledError(`task run '${this.name}' was not started: ${reason}`));
    const error = new RunAbortedError(`task run '${this.name}' was not started: ${reason}`);
    if (!result.state || !isTerminal(result.state.type)) {
      await this.finish({ type: 'FAILED', name: 'Failed', message: error.message, error: errorInfo(error), retryable: false });
    }
    throw error;
  }

  private async cachedResult(state: State): Promise<unknown> {
    let value: unknown;
    try {
      value = (await readAnyResult(state.resultRef!)).value;
    } catch (error) {
      throw new Error(
        `task run '${this.name}' was Cached but its result ${state.resultRef} cannot be read (${(error as Error).message}); run with refreshCache to compute it again`,
        { cause: error },
      );
    }
    this.logger.info(`used a cached result (${state.message ?? state.cacheKey})`);
    linkResult(this.flow.resultLinks, value, this.id);
    await this.hooksFor(state);
    untrackTaskRun(this);
    return value;
  }
}

/** Starts a task run called directly in a flow or task, and gives the promise of its result. */
export function callTaskRun(parent: RunFrame, request: TaskRunRequest): Promise<unknown> {
  const flow = parent.kind === 'flow' ? parent : parent.flowRun;
  const execution = startTracking(flow, request);
  const run = execution.run();
  followToTheEnd(execution, run);
  return run;
}

/**
 * Submits a task run: it starts once `runner` has a place for it (at once without a runner) and
 * its future hears how it settled. A runner that admits runs (see TaskRunner.admit) keeps the
 * waiting ones without a promise each, and the run itself makes none for its end.
 */
export function submitTaskRun(parent: RunFrame, request: TaskRunRequest & { future: TaskRunFuture }, runner?: TaskRunner): void {
  const flow = parent.kind === 'flow' ? parent : parent.flowRun;
  const execution = startTracking(flow, request);
  request.future.runName = execution.name;
  // A reused run never runs: it takes no place with the runner.
  if (!runner || execution.isReused) execution.runSubmitted();
  else if (runner.admit && runner.leave) execution.admitBy(runner);
  else
    followToTheEnd(
      execution,
      runner.schedule(() => execution.run()),
    );
}

/** Makes the run, tracked until it settles; a completed run stays tracked until its Completed state is recorded (see `completed`). */
function startTracking(flow: FlowRunFrame, request: TaskRunRequest): TaskRunExecution {
  const execution = new TaskRunExecution(flow, request);
  trackTaskRun(execution);
  flow.unsettledRuns.add();
  return execution;
}

/** Settles the run once its promise does (see TaskRunExecution.settled). */
function followToTheEnd(execution: TaskRunExecution, run: Promise<unknown>): void {
  run.then(
    (value) => execution.settled(true, value),
    (error: unknown) => execution.settled(false, error),
  );
}
