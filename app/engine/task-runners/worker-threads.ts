import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { currentFrame, type RunFrame } from '../context.js';
import { errorFromInfo } from '../errors.js';
import { answerHostCall } from './host-calls.js';
import type { TaskCall, TaskRunner } from './task-runner.js';
import type { HostCall, WorkerReply, WorkerRequest } from './worker-protocol.js';

/** Answers a thread's call; a thread stopped meanwhile (a timeout) no longer waits for it. */
async function answerThread(worker: Worker, frame: RunFrame | undefined, callId: number, call: HostCall): Promise<void> {
  const answer = await answerHostCall(frame, callId, call);
  try {
    worker.postMessage(answer);
  } catch {
    // ignored: see above
  }
}

interface PooledWorker {
  worker: Worker;
  busy: boolean;
}

/**
 * Runs each attempt's body on a pool of worker threads, for CPU-bound tasks. The task must be
 * defined at the top level of a module (so a worker can import it) and take cloneable arguments.
 * A timeout or cancellation really stops the work: the worker is terminated and replaced.
 */
export class WorkerThreadTaskRunner implements TaskRunner {
  readonly name = 'worker-threads';
  private readonly maxWorkers: number;
  private readonly pool: PooledWorker[] = [];
  private readonly waiting: ((w: PooledWorker) => void)[] = [];
  private nextCallId = 1;

  constructor(options: { maxWorkers?: number } = {}) {
    this.maxWorkers = options.maxWorkers ?? Math.max(1, availableParallelism());
    if (!(this.maxWorkers >= 1)) throw new Error(`maxWorkers must be 1 or more, got ${options.maxWorkers}`);
  }

  schedule<T>(start: () => Promise<T>): Promise<T> {
    return start();
  }

  async execute(call: TaskCall): Promise<unknown> {
    if (!call.moduleUrl) {
      call.log(30, `task '${call.taskKey}' was not defined in a module file; it runs on the main thread`);
      return await call.runInline();
    }
    call.signal.throwIfAborted();
    const pooled = await this.acquire();
    const id = this.nextCallId++;
    // The engine executes an attempt inside its task run's frame: the thread's calls are answered in it.
    const frame = currentFrame();
    const flowRunId = frame ? (frame.kind === 'flow' ? frame.flowRunId : frame.flowRun.flowRunId) : '';
    const taskRunId = frame?.kind === 'task' ? frame.taskRunId : '';
    const request: WorkerRequest = { type: 'run', id, moduleUrl: call.moduleUrl, taskKey: call.taskKey, args: call.args, flowRunId, taskRunId };
    return new Promise((resolve, reject) => {
      const onAbort = () => {
        cleanup();
        void pooled.worker.terminate();
        this.discard(pooled);
        reject(call.signal.reason);
      };
      const onMessage = (reply: WorkerReply) => {
        if (reply.id !== id) return;
        if (reply.type === 'log') {
          call.log(reply.level, reply.message);
          return;
        }
        if (reply.type === 'host-call') {
          void answerThread(pooled.worker, frame, reply.callId, reply.call);
          return;
        }
        cleanup();
        this.releaseWorker(pooled);
        if (reply.type === 'result') resolve(reply.value);
        else reject(errorFromInfo(reply.error, 'the task failed on a worker thread'));
      };
      const onError = (error: Error) => {
        cleanup();
        this.discard(pooled);
        reject(error);
      };
      const cleanup = () => {
        call.signal.removeEventListener('abort', onAbort);
        pooled.worker.off('message', onMessage);
        pooled.worker.off('error', onError);
      };
      call.signal.addEventListener('abort', onAbort, { once: true });
      pooled.worker.on('message', onMessage);
      pooled.worker.on('error', onError);
      try {
        pooled.worker.postMessage(request);
      } catch (error) {
        cleanup();
        this.releaseWorker(pooled);
        reject(new Error(`the arguments of task '${call.taskKey}' cannot be sent to a worker thread: ${(error as Error).message}`));
      }
    });
  }

  async close(): Promise<void> {
    await Promise.all(this.pool.map((p) => p.worker.terminate()));
    this.pool.length = 0;
  }

  private acquire(): Promise<PooledWorker> {
    const idle = this.pool.find((p) => !p.busy);
    if (idle) {
      idle.busy = true;
      return Promise.resolve(idle);
    }
    if (this.pool.length < this.maxWorkers) {
      const pooled: PooledWorker = {
        worker: new Worker(new URL('./thread-worker.js', import.meta.url)),
        busy: true,
      };
      pooled.worker.unref();
      this.pool.push(pooled);
      return Promise.resolve(pooled);
    }
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  private releaseWorker(pooled: PooledWorker): void {
    const next = this.waiting.shift();
    if (next) next(pooled);
    else pooled.busy = false;
  }

  private discard(pooled: PooledWorker): void {
    const index = this.pool.indexOf(pooled);
    if (index >= 0) this.pool.splice(index, 1);
    const next = this.waiting.shift();
    if (next) void this.acquire().then(next);
  }
}
