import type { State } from '../core/index.js';
import { isTerminal } from '../core/state-model.js';
import { currentFlowRun } from './context.js';

type Outcome<T> = { ok: true; value: T } | { ok: false; error: unknown };

/** Told how a run settled; `key` is what it was registered with. */
type SettleListener = (ok: boolean, valueOrError: unknown, key: number) => void;

/** A task run started with `submit` or `map`: its result, once there is one. */
export class TaskRunFuture<T = unknown> {
  private latest: State | null = null;
  private run: Promise<T> | null = null;
  private settled: Promise<Outcome<T>> | null = null;
  private finalDone = false;
  private finalWaiters: (() => void)[] | null = null;
  /** Whether the engine tells this future how its run settled (settle), so no one needs a promise for it. */
  private told = false;
  private settledOk: boolean | null = null;
  private settledWith: unknown;
  /** Who hears how the run settled: most futures have one listener, kept without a list. */
  private firstListener: SettleListener | null = null;
  private firstKey = 0;
  private moreListeners: { listener: SettleListener; key: number }[] | null = null;
  /** The run's name, known once the run is created. */
  runName: string | null = null;

  constructor(
    readonly taskRunId: string,
    readonly taskName: string,
    run?: Promise<T>,
  ) {
    if (run) this.run = run;
  }

  /** @internal The engine tells this future how its run settled (settle); its promises are made when asked for. */
  settledByEngine(): void {
    this.told = true;
  }

  /** @internal How the run settled, told as its promise settles. */
  settle(ok: boolean, valueOrError: unknown): void {
    this.settledOk = ok;
    this.settledWith = valueOrError;
    const first = this.firstListener;
    const more = this.moreListeners;
    this.firstListener = null;
    this.moreListeners = null;
    if (first) first(ok, valueOrError, this.firstKey);
    if (more) for (const { listener, key } of more) listener(ok, valueOrError, key);
  }

  /**
   * @internal Calls `listener` with `key` once the run has settled, at once when it has: no
   * promise per future, and one listener can serve many futures told apart by their keys.
   */
  whenSettled(listener: SettleListener, key: number): void {
    if (this.settledOk !== null) listener(this.settledOk, this.settledWith, key);
    else if (this.told) {
      if (!this.firstListener) {
        this.firstListener = listener;
        this.firstKey = key;
      } else (this.moreListeners ??= []).push({ listener, key });
    } else
      void this.outcome().then((outcome) => {
        if (outcome.ok) listener(true, outcome.value, key);
        else listener(false, outcome.error, key);
      });
  }

  /**
   * How a future reads in recorded inputs: a reference to the upstream task run whose result is
   * passed, as Prefect's task inputs record a task run result.
   */
  toJSON(): TaskRunReference {
    return { taskRun: this.taskRunId, name: this.runName ?? this.taskName };
  }

  /** The latest state this process has seen for the run. */
  get state(): State | null {
    return this.latest;
  }

  /** @internal */
  observe(state: State): void {
    this.latest = state;
    if (isTerminal(state.type)) this.finalRecorded();
  }

  /** @internal The run has nothing more to record (also when recording failed). */
  finalRecorded(): void {
    if (this.finalDone) return;
    this.finalDone = true;
    const waiters = this.finalWaiters;
    this.finalWaiters = null;
    if (waiters) for (const wake of waiters) wake();
  }

  /** Resolves with the task's result, or rejects with its error. */
  result(): Promise<T> {
    if (!this.run && this.told) {
      this.run = new Promise<T>((resolve, reject) =>
        this.whenSettled((ok, valueOrError) => (ok ? resolve(valueOrError as T) : reject(valueOrError)), 0),
      );
    }
    return this.run!;
  }

  /** Resolves with the final state, whether the run completed or not. */
  async wait(): Promise<State | null> {
    await this.outcome();
    if (!this.finalDone) await new Promise<void>((resolve) => (this.finalWaiters ??= []).push(resolve));
    return this.latest;
  }

  /** @internal Resolves like result() but never rejects. */
  outcome(): Promise<Outcome<T>> {
    if (this.told) {
      this.settled ??= new Promise<Outcome<T>>((resolve) =>
        this.whenSettled((ok, valueOrError) => resolve(ok ? { ok: true, value: valueOrError as T } : { ok: false, error: valueOrError }), 0),
      );
      return this.settled;
    }
    this.settled ??= this.run!.then(
      (value) => ({ ok: true as const, value }),
      (error: unknown) => ({ ok: false as const, error }),
    );
    return this.settled;
  }
}

/** What recorded inputs hold in place of a future: the upstream task run, by id and name. */
interface TaskRunReference {
  taskRun: string;
  name: string;
}

/**
 * The futures of a `map`, with helpers to wait for all of them. A map over a future's result
 * cannot know its runs until that result is there: its list fills once `expanded` settles, and
 * `result()` and `wait()` wait for that first.
 */
export class FutureList<T = unknown> extends Array<TaskRunFuture<T>> {
  /** @internal For a map over futures: settles once the runs are started, rejects when they cannot be. */
  expanded: Promise<void> | null = null;
  /** @internal The futures a deferred map waits for before it starts its runs. */
  sources: readonly TaskRunFuture[] = [];
  /** @internal False until a deferred map has started its runs; stays false when it could not. */
  runsKnown = true;

  /** Every result in order; rejects with the first error. */
  async result(): Promise<T[]> {
    if (this.expanded) await this.expanded;
    const values = await gatherResults(this);
    // Item i came from run i: passed on, the gathered list links to the map's runs.
    // map, not Array.from: no iterator step per future, and a plain array (see Symbol.species).
    currentFlowRun()?.resultLinks.set(
      values,
      this.map((f) => f.taskRunId),
    );
    return values;
  }

  /** Waits for every run and returns their final states (none when the map could not start). */
  async wait(): Promise<(State | null)[]> {
    if (this.expanded) await this.expanded.catch(() => undefined);
    return Promise.all(Array.from(this, (f) => f.wait()));
  }

  static override get [Symbol.species]() {
    return Array;
  }
}

/**
 * Every future's result in order, or the first error to come, as Promise.all of their results
 * gives them; one promise for the list rather than one per future, which a map of thousands feels.
 */
function gatherResults<T>(futures: readonly TaskRunFuture<T>[]): Promise<T[]> {
  return new Promise<T[]>((resolve, reject) => {
    const values = new Array<T>(futures.length);
    let left = futures.length;
    let failed = false;
    if (left === 0) resolve(values);
    const settled = (ok: boolean, valueOrError: unknown, index: number) => {
      if (failed) return;
      if (!ok) {
        failed = true;
        reject(valueOrError);
        return;
      }
      values[index] = valueOrError as T;
      if (--left === 0) resolve(values);
    };
    for (let index = 0; index < futures.length; index++) futures[index].whenSettled(settled, index);
  });
}

/** Passes a value whole to every run of a `map` instead of iterating over it. */
export class Unmapped<T> {
  constructor(readonly value: T) {}
}

export function unmapped<T>(value: T): Unmapped<T> {
  return new Unmapped(value);
}

/** Lets a downstream task run even when this upstream one fails; it receives the error. */
export class AllowFailure<T> {
  constructor(readonly future: TaskRunFuture<T>) {}

  toJSON(): TaskRunReference & { allowFailure: true } {
    return { ...this.future.toJSON(), allowFailure: true };
  }
}

export function allowFailure<T>(future: TaskRunFuture<T>): AllowFailure<T> {
  return new AllowFailure(future);
}
