/** One attempt of a task, ready to execute. */
export interface TaskCall {
  /** The task's function, called here with the run's context in place; a sync function's value comes back as is. */
  runInline(): unknown;
  /** Where the task was defined and its key there, for runners that execute elsewhere. */
  moduleUrl: string | null;
  taskKey: string;
  args: readonly unknown[];
  signal: AbortSignal;
  /** Log lines written by the task while it ran elsewhere. */
  log(level: number, message: string): void;
}

/** A submitted task run waiting for a place (see TaskRunner.admit). */
export interface Admission {
  /** Called once the run has a place; must not throw. */
  admitted(): void;
}

/** Decides where and how many submitted task runs go at once. */
export interface TaskRunner {
  readonly name: string;
  /** Runs a submitted task run when a place is free. */
  schedule<T>(start: () => Promise<T>): Promise<T>;
  /**
   * Optional, in place of schedule: tells `run` once a place is free (at once when one is), and
   * takes the place back at leave(), which the engine calls once the run has settled. No promise
   * nor closure per waiting run, which a map of thousands of runs feels.
   */
  admit?(run: Admission): void;
  leave?(): void;
  /** Executes one attempt's body: its value, or a promise of it. */
  execute(call: TaskCall): unknown;
  close(): Promise<void>;
}

/** A first-come, first-served limit on how many things run at once. */
export class Semaphore {
  private active = 0;
  // A queue with a moving head: shift() on a long array moves every element, every time.
  private waiting: Admission[] = [];
  private head = 0;

  constructor(readonly limit: number) {
    if (!(limit >= 1)) throw new Error(`a concurrency limit must be 1 or more, got ${limit}`);
  }

  private next(): Admission | undefined {
    if (this.head >= this.waiting.length) return undefined;
    const next = this.waiting[this.head++];
    if (this.head > 1024 && this.head * 2 > this.waiting.length) {
      this.waiting = this.waiting.slice(this.head);
      this.head = 0;
    }
    return next;
  }

  /** Tells `run` once a place is free, at once when one is; the place is given back with release(). */
  admit(run: Admission): void {
    if (this.active < this.limit) {
      this.active++;
      run.admitted();
    } else this.waiting.push(run);
  }

  run<T>(work: () => Promise<T>): Promise<T> {
    if (this.active < this.limit) {
      this.active++;
      const running = this.start(work);
      running.then(this.release, this.release);
      return running;
    }
    // One promise for a run that waits, settled with its work's outcome once it had its turn.
    return new Promise<T>((resolve, reject) => {
      this.waiting.push({
        admitted: () => {
          this.start(work).then(
            (value) => {
              this.release();
              resolve(value);
            },
            (error: unknown) => {
              this.release();
              reject(error);
            },
          );
        },
      });
    });
  }

  /** Starts `work` in a place already taken; a throw becomes a rejection. */
  private start<T>(work: () => Promise<T>): Promise<T> {
    try {
      return work();
    } catch (error) {
      return Promise.reject(error);
    }
  }

  /** Hands the place of work that has settled to the next in line, or frees it. */
  readonly release = (): void => {
    const next = this.next();
    if (next) next.admitted();
    else this.active--;
  };
}
