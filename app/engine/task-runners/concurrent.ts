import { Semaphore, type TaskCall, type TaskRunner } from './task-runner.js';

/** Runs submitted tasks concurrently in this process, up to `maxConcurrency` at once. */
export class ConcurrentTaskRunner implements TaskRunner {
  readonly name = 'concurrent';
  private readonly semaphore: Semaphore | null;

  constructor(options: { maxConcurrency?: number } = {}) {
    const max = options.maxConcurrency ?? Infinity;
    this.semaphore = Number.isFinite(max) ? new Semaphore(max) : null;
  }

  schedule<T>(start: () => Promise<T>): Promise<T> {
    return this.semaphore ? this.semaphore.run(start) : start();
  }

  execute(call: TaskCall): Promise<unknown> {
    return call.runInline();
  }

  async close(): Promise<void> {}
}
