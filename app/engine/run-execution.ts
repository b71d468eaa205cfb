import { newId, type OrchestrationResult, type ProposedState, type RunReporter, type State } from '../core/index.js';
import { TimeoutError } from './errors.js';
import { runStateHooks } from './hooks.js';
import type { RunLogger } from './logger.js';
import type { CommonOptions, RunInfo } from './options.js';
import { resultRefFor, writeResult } from './results.js';
import { engineSettings, requireReporter } from './runtime.js';
import { announceState, proposeState } from './state-reports.js';

/**
 * What a flow run and a task run share on their way from Pending to a final state: proposing a
 * state, following the states the store accepts, running the hooks of an accepted state. Each
 * kind of run adds its own attempts on top.
 */
export abstract class RunExecution {
  abstract readonly id: string;
  abstract readonly name: string;
  protected abstract readonly flowRunId: string;
  protected abstract readonly logger: RunLogger;
  protected abstract readonly runInfo: RunInfo;
  /** The options and the public flow or task object that the run's hooks are called with. */
  protected abstract readonly definition: { options: CommonOptions<unknown>; subject: unknown };
  protected readonly reporter: RunReporter = requireReporter();
  protected attempt = 1;
  protected state: State | null = null;

  constructor(private readonly kind: 'flow' | 'task') {}

  /** Told of each state the run takes, before progress displays are. */
  protected abstract followed(state: State): void;

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

  /** Runs the hooks for a state the store accepted; nothing to wait for when there are none. */
  protected hooksFor(state: State): Promise<void> | undefined {
    return runStateHooks(this.definition.options, this.definition.subject, () => this.runInfo, state, this.logger);
  }
}

const NO_TIMER = () => {};

/** Aborts an attempt with a TimeoutError once `seconds` are up; returns what stops the timer. */
export function startAttemptTimer(seconds: number | undefined, what: string, abort: (error: TimeoutError) => void): () => void {
  if (seconds === undefined) return NO_TIMER;
  const timer = setTimeout(() => abort(new TimeoutError(seconds, what)), seconds * 1000);
  return () => clearTimeout(timer);
}

/**
 * Writes a run's result under FLOWDECK_HOME/storage, keyed by `key`, and returns its ref; a
 * result that cannot be written is told to `unwritten` and gives null, and the run goes on.
 */
export function persistResult(key: string, value: unknown, unwritten: (reason: string) => void): string | null {
  const ref = resultRefFor(key);
  try {
    writeResult(engineSettings().home, ref, value);
    return ref;
  } catch (error) {
    unwritten((error as Error).message);
    return null;
  }
}
