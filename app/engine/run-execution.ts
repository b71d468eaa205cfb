import type { OrchestrationResult, ProposedState, RunReporter, State } from '../core/index.js';
import { newId } from '../core/ids.js';
import { errorInfo, TimeoutError } from './errors.js';
import { runStateHooks, stateHooks } from './hooks.js';
import type { RunLogger } from './logger.js';
import type { CommonOptions, RunInfo } from './options.js';
import { requireReporter } from './runtime.js';
import { currentFrame, runStorage, type RunFrame } from './context.js';
import { announceState, proposeState, stateChange } from './state-reports.js';

/** How one attempt ended; a flow's returned value may carry a message of its own for its Failed state. */
export type AttemptOutcome = { ok: true; value: unknown } | { ok: false; error: unknown; message?: string };

export type FailedAttempt = Extract<AttemptOutcome, { ok: false }>;

/**
 * What a run does when the store accepted another state than Running for its start: end, wait
 * until a time and propose again, or (null) run the attempt all the same.
 */
export type StartedInstead<O> = { end: O | Promise<O> } | { proposeAgainAt: number } | null;

/**
 * Told how a run ended: with its end (what the run ends with, or a promise of it, as a promise's
 * resolve takes), or with the error it failed with before it could have one.
 */
export interface RunEndListener<O> {
  runEnded(end: O | Promise<O>): void;
  runFailed(error: unknown): void;
}

/** A step of a run that goes on from the store's answer: a method of the run, called on it. */
type AnswerStep<R, V> = (this: R, value: V) => void;

/** Calls a run's step on it; a plain function, so going on in the run's frame makes no closure. */
function callStep<R, V>(run: R, step: AnswerStep<R, V>, value: V): void {
  step.call(run, value);
}

/** The store's callbacks for a run's answers (see RunExecution.sendThen). */
interface AnswerCallbacks {
  answered(result: OrchestrationResult): void;
  failed(error: unknown): void;
}

/** The Failed (or TimedOut) state for a failed attempt, with its error. */
export function failedStateOf(failure: FailedAttempt): ProposedState {
  const info = errorInfo(failure.error);
  return {
    type: 'FAILED',
    name: failure.error instanceof TimeoutError ? 'TimedOut' : 'Failed',
    message: failure.message ?? info.message,
    error: info,
  };
}

/**
 * The skeleton a flow run and a task run share on their way from Pending to a final state:
 * proposing states and following the ones the store accepts, running the hooks of an accepted
 * state, the start loop (propose Running, wait while the store says WAIT, end with the store's
 * state when it refuses), the attempt, recording a failed one and waiting for the retry, and the
 * crash path. Each kind of run fills in the steps that are its own; `O` is what its run ends with.
 */
export abstract class RunExecution<O> {
  abstract readonly id: string;
  abstract readonly name: string;
  protected abstract readonly flowRunId: string;
  protected abstract readonly logger: RunLogger;
  protected abstract readonly runInfo: RunInfo;
  /** The options and the public flow or task object that the run's hooks are called with. */
  protected abstract readonly definition: { options: CommonOptions<unknown>; subject: unknown };
  protected readonly reporter: RunReporter = requireReporter();
  /** The run frame the run was started from, which its code after each answer of the store sees as current. */
  private readonly startedFrom: RunFrame | undefined = currentFrame();
  protected attempt = 1;
  protected state: State | null = null;
  /** Whether proposing Running claims the run for this process, as a flow run continued here does. */
  protected claimsRun = false;
  /**
   * Whether a final state the store holds already, set by another process (a cancel command),
   * still has its hooks run here when the run proposes the same type.
   */
  protected hooksOfHeldFinalState = false;
  /** Told how the run ended once the Running it proposes is answered (see attemptsTo); one start is proposed at a time. */
  private endListener: RunEndListener<O> | null = null;
  /**
   * The steps the answer to the run's proposal in flight goes on with (see sendThen): a run sends
   * one state at a time, the next from the step of the one before, so one pair of callbacks,
   * made at its first, serves all of them.
   */
  private answerStep: AnswerStep<this, OrchestrationResult> | null = null;
  private failureStep: AnswerStep<this, unknown> | null = null;
  private callbacks: AnswerCallbacks | null = null;

  constructor(private readonly kind: 'flow' | 'task') {}

  /** Told of each state the run takes, before progress displays are. */
  protected abstract followed(state: State): void;

  /** The state proposed to start each attempt: Running, with whatever the kind adds. */
  protected abstract runningState(): ProposedState;

  /** How the run ends when it must not start any more; null when it may. */
  protected abstract stoppedBeforeStart(): Promise<O> | null;

  /** Waits `ms` before proposing Running again, as the store asked with WAIT. */
  protected abstract waitToStart(ms: number): Promise<void>;

  /** How the run ends when the store would not start it (REJECT, ABORT); the store's state is the run's. */
  protected abstract notStarted(result: OrchestrationResult): O | Promise<O>;

  /** What the run does when the store accepted `state` instead of Running. */
  protected abstract startedInstead(state: State, result: OrchestrationResult): StartedInstead<O>;

  /** Runs one attempt; a synchronous task's outcome comes without a promise. */
  protected abstract attemptOnce(): AttemptOutcome | Promise<AttemptOutcome>;

  /** How the run ends with the value its attempt gave. */
  protected abstract completed(value: unknown): O | Promise<O>;

  /** How the run ends when its attempt was stopped (cancelled, crashed) rather than failed; null when it failed. */
  protected abstract stopped(error: unknown): Promise<O> | null;

  /** Logs a failed attempt once, with its stack; `retry` is the state the next attempt waits in. */
  protected abstract loggedFailure(error: unknown, retry: State | null): void;

  /** Waits until `at` (ms since the epoch) to start again; gives how the run ends when it is stopped meanwhile. */
  protected abstract waitToRetry(at: number): Promise<{ end: O } | undefined>;

  /** How the run ends after its last attempt failed; `state` is the store's. */
  protected abstract failedFinally(state: State | null, error: unknown): O | Promise<O>;

  /** Whether an accepted state is older than the one the run holds, an answer that arrived late. */
  protected isStale(_state: State): boolean {
    return false;
  }

  protected observe(result: OrchestrationResult): void {
    if (result.status !== 'ACCEPT' || !result.state || this.isStale(result.state)) return;
    this.state = result.state;
    this.attempt = result.state.attempt;
    this.followed(result.state);
    announceState(this.kind, this.id, this.name, this.flowRunId, result.state);
  }

  /** Proposes a state and follows the answer; `owner` claims the run for this process. */
  protected propose(state: ProposedState, owner = false, transitionId = newId()): Promise<OrchestrationResult> {
    return proposeState(this.reporter, this.kind, this.id, state, owner, transitionId).then((result) => {
      this.observe(result);
      return result;
    });
  }

  /**
   * Proposes a state and goes on with the store's answer: `answered` (or `failed`, with the error),
   * steps of the run called on it, in the frame the run was started from, as a promise's
   * continuation would have it. Through a store in this process, which answers through callbacks,
   * that costs no promise, and the steps being methods, no closure of their own; through any
   * other, it waits on setState's.
   */
  protected sendThen(state: ProposedState, owner: boolean, answered: AnswerStep<this, OrchestrationResult>, failed: AnswerStep<this, unknown>): void {
    const change = stateChange(this.kind, this.id, state, owner, newId());
    if (!this.reporter.setStateThen) {
      this.reporter.setState(change).then(
        (result) => answered.call(this, result),
        (error: unknown) => failed.call(this, error),
      );
      return;
    }
    if (this.answerStep) throw new Error(`${this.kind} run '${this.name}' sent a state before its last one was answered`);
    this.answerStep = answered;
    this.failureStep = failed;
    this.callbacks ??= this.answerCallbacks();
    this.reporter.setStateThen(change, this.callbacks.answered, this.callbacks.failed);
  }

  /** Callbacks that go on with the steps of the proposal in flight, in the frame the run was started from. */
  private answerCallbacks(): AnswerCallbacks {
    const from = this.startedFrom;
    return {
      answered: (result) => {
        const step = this.answerStep!;
        this.answerStep = this.failureStep = null;
        if (from) runStorage.run(from, callStep, this, step, result);
        else runStorage.exit(callStep, this, step, result);
      },
      failed: (error) => {
        const step = this.failureStep!;
        this.answerStep = this.failureStep = null;
        if (from) runStorage.run(from, callStep, this, step, error);
        else runStorage.exit(callStep, this, step, error);
      },
    };
  }

  /** Runs the hooks for a state the store accepted; nothing to wait for when there are none. */
  protected hooksFor(state: State): Promise<void> | undefined {
    const hooks = stateHooks(this.definition.options, state);
    return hooks ? runStateHooks(hooks, this.definition.subject, this.runInfo, state, this.logger) : undefined;
  }

  /** Proposes a final state and runs its hooks once accepted; gives the state the run is in after it. */
  protected async finish(state: ProposedState): Promise<State | null> {
    const result = await this.propose(state);
    const final = result.state ?? this.state;
    if (final && (result.status === 'ACCEPT' || (this.hooksOfHeldFinalState && final.type === state.type))) await this.hooksFor(final);
    return final;
  }

  /** Records the run as Crashed because this process is going away, and runs its onCrashed hooks. */
  async crash(message: string): Promise<void> {
    const result = await this.propose({ type: 'CRASHED', name: 'Crashed', message });
    if (result.status === 'ACCEPT' && result.state) await this.hooksFor(result.state);
  }

  /**
   * How the run goes on when it stops at a breakpoint on this failure instead of recording it (a
   * debug run's task run that failed its last attempt); null to record the failure.
   */
  protected stopOnFailure(_outcome: FailedAttempt): Promise<O> | null {
    return null;
  }

  /** The Failed state a failed attempt proposes; the store makes it AwaitingRetry when attempts are left. */
  protected failedState(failure: FailedAttempt): ProposedState | Promise<ProposedState> {
    return failedStateOf(failure);
  }

  /**
   * Attempts until one completes, the last one fails, or the run is stopped or refused. Steps
   * chained on the store's answers rather than one async loop: with promise hooks on (the run
   * context needs them), every await costs a promise, and a run that starts, runs synchronously
   * and completes, as most runs of a large map do, takes no step more than it needs.
   */
  protected runAttempts(): Promise<O> {
    return new Promise<O>((resolve, reject) => this.attemptsTo({ runEnded: resolve, runFailed: reject }));
  }

  /** Like runAttempts, telling `to` how the run ended instead of settling a promise. */
  protected attemptsTo(to: RunEndListener<O>): void {
    try {
      const stopped = this.stoppedBeforeStart();
      if (stopped) {
        to.runEnded(stopped);
        return;
      }
      // The next start (after WAIT, or to retry) is proposed only after this one is answered.
      this.endListener = to;
      this.sendThen(this.runningState(), this.claimsRun, this.startAnswered, this.startFailed);
    } catch (error) {
      this.endListener = null;
      to.runFailed(error);
    }
  }

  private startAnswered(started: OrchestrationResult): void {
    const to = this.endListener!;
    this.endListener = null;
    let end: O | Promise<O>;
    try {
      end = this.goOnFromStart(started);
    } catch (error) {
      to.runFailed(error);
      return;
    }
    to.runEnded(end);
  }

  private startFailed(error: unknown): void {
    const to = this.endListener!;
    this.endListener = null;
    to.runFailed(error);
  }

  /** Goes on from the store's answer to a proposed Running. */
  private goOnFromStart(started: OrchestrationResult): O | Promise<O> {
    this.observe(started);
    if (started.status === 'WAIT') return this.waitToStart((started.delaySeconds ?? 0) * 1000).then(() => this.runAttempts());
    const state = started.state;
    if (started.status !== 'ACCEPT' || !state) return this.notStarted(started);
    if (state.type !== 'RUNNING') {
      const instead = this.startedInstead(state, started);
      if (instead && 'end' in instead) return instead.end;
      if (instead) return this.waitToRetry(instead.proposeAgainAt).then((end) => (end ? end.end : this.runAttempts()));
    }
    const onRunning = this.hooksFor(state);
    if (onRunning) return onRunning.then(() => this.runAttempt());
    return this.runAttempt();
  }

  /** Runs one attempt and goes on with how it ended; a synchronous one at once. */
  private runAttempt(): O | Promise<O> {
    const attempt = this.attemptOnce();
    return attempt instanceof Promise ? attempt.then((outcome) => this.attempted(outcome)) : this.attempted(attempt);
  }

  private attempted(outcome: AttemptOutcome): O | Promise<O> {
    if (outcome.ok) return this.completed(outcome.value);
    const stop = this.stopped(outcome.error);
    if (stop) return stop;
    return this.failedAttempt(outcome);
  }

  /** Records a failed attempt, then waits for the next one, or ends the run after the last. */
  private async failedAttempt(outcome: FailedAttempt): Promise<O> {
    const held = this.stopOnFailure(outcome);
    if (held) return held;
    const proposal = this.failedState(outcome);
    const failed = await this.propose(proposal instanceof Promise ? await proposal : proposal);
    const next = failed.state;
    if (failed.status === 'ACCEPT' && next?.type === 'SCHEDULED') {
      this.loggedFailure(outcome.error, next);
      const end = await this.waitToRetry(next.scheduledTime ?? Date.now());
      if (end) return end.end;
      return this.runAttempts();
    }
    this.loggedFailure(outcome.error, null);
    if (failed.status === 'ACCEPT' && next) await this.hooksFor(next);
    return this.failedFinally(next, outcome.error);
  }
}
