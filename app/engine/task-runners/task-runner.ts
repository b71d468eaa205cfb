/** One attempt of a task, ready to execute. */
export interface TaskCall {
  /** The task's function, called here with the run's context in place. */
  runInline(): Promise<unknown>;
  /** Where the task was defined and its key there, for runners that execute elsewhere. */
  moduleUrl: string | null;
  taskKey: string;
  args: readonly unknown[];
  signal: AbortSignal;
  /** Log lines written by the task while it ran elsewhere. */
  log(level: number, message: string): void;
}

/** Decides where and how many submitted task runs go at once. */
export interface TaskRunner {
  readonly name: string;
  /** Runs a submitted task run when a place is free. */
  schedule<T>(start: () => Promise<T>): Promise<T>;
  /** Executes one attempt's body. */
  execute(call: TaskCall): Promise<unknown>;
  close(): Promise<void>;
}

/** A first-come, first-served limit on how many things run at once. */
export class Semaphore {
  private active = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(readonly limit: number) {
    if (!(limit >= 1)) throw new Error(`a concurrency limit must be 1 or more, got ${limit}`);
  }

  async run<T>(work: () => Promise<T>): Promise<T> {
    if (this.active >= this.limit) await new Promise<void>((resolve) => this.waiting.push(resolve));
    else this.active++;
    try {
      return await work();
    } finally {
      const next = this.waiting.shift();
      if (next) next();
      else this.active--;
    }
  }
}
