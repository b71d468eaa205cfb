import type { State } from '../core/index.js';

/** A task run started with `submit` or `map`: its result, once there is one. */
export class TaskRunFuture<T = unknown> {
  private latest: State | null = null;
  private readonly settled: Promise<{ ok: true; value: T } | { ok: false; error: unknown }>;

  constructor(
    readonly taskRunId: string,
    readonly taskName: string,
    run: Promise<T>,
  ) {
    this.settled = run.then(
      (value) => ({ ok: true as const, value }),
      (error: unknown) => ({ ok: false as const, error }),
    );
  }

  /** How a future reads in previews of arguments: the run it stands for. */
  toJSON(): { future: string; task: string } {
    return { future: this.taskRunId, task: this.taskName };
  }

  /** The latest state this process has seen for the run. */
  get state(): State | null {
    return this.latest;
  }

  /** @internal */
  observe(state: State): void {
    this.latest = state;
  }

  /** Resolves with the task's result, or rejects with its error. */
  async result(): Promise<T> {
    const outcome = await this.settled;
    if (outcome.ok) return outcome.value;
    throw outcome.error;
  }

  /** Resolves with the final state, whether the run completed or not. */
  async wait(): Promise<State | null> {
    await this.settled;
    return this.latest;
  }

  /** @internal Resolves like result() but never rejects. */
  outcome(): Promise<{ ok: true; value: T } | { ok: false; error: unknown }> {
    return this.settled;
  }
}

/** The futures of a `map`, with helpers to wait for all of them. */
export class FutureList<T = unknown> extends Array<TaskRunFuture<T>> {
  /** Every result in order; rejects with the first error. */
  result(): Promise<T[]> {
    return Promise.all(Array.from(this, (f) => f.result()));
  }

  /** Waits for every run and returns their final states. */
  wait(): Promise<(State | null)[]> {
    return Promise.all(Array.from(this, (f) => f.wait()));
  }

  static override get [Symbol.species]() {
    return Array;
  }
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
}

export function allowFailure<T>(future: TaskRunFuture<T>): AllowFailure<T> {
  return new AllowFailure(future);
}
