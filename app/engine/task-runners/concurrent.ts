import { Semaphore, type Admission, type TaskCall, type TaskRunner } from './task-runner.js';

/**
 * How many submitted task runs execute at once by default. Bounded, as a thread pool would be:
 * a map over 10,000 items then keeps memory and latency flat, and the rest wait in Pending.
 */
const DEFAULT_MAX_CONCURRENCY = 64;

/** Runs submitted tasks concurrently in this process, up to `maxConcurrency` at once. */
export class ConcurrentTaskRunner implements TaskRunner {
  readonly name = 'concurrent';
  private readonly semaphore: Semaphore | null;

  constructor(options: { maxConcurrency?: number } = {}) {
    const max = options.maxConcurrency ?? DEFAULT_MAX_CONCURRENCY;
    this.semaphore = Number.isFinite(max) ? new Semaphore(max) : null;
  }

  schedule<T>(start: () => Promise<T>): Promise<T> {
    return this.semaphore ? this.semaphore.run(start) : start();
  }

  admit(run: Admission): void {
    if (this.semaphore) this.semaphore.admit(run);
    else run.admitted();
  }

  leave(): void {
    this.semaphore?.release();
  }

  execute(call: TaskCall): unknown {
    return call.runInline();
  }

  async close(): Promise<void> {}
}
