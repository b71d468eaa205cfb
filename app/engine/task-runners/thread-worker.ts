/** A worker thread of WorkerThreadTaskRunner: imports the task's module and runs its body. */
import { format } from 'node:util';
import { parentPort } from 'node:worker_threads';
import { runStorage, type TaskRunFrame } from '../context.js';
import { errorInfo } from '../errors.js';
import { registerFlowLoader } from '../loader/register.js';
import { findTask } from '../registry.js';
import type { WorkerReply, WorkerRequest } from './worker-protocol.js';

registerFlowLoader();

interface RunnableTask {
  fn: (...args: unknown[]) => unknown;
}

const port = parentPort!;

port.on('message', (request: WorkerRequest) => {
  void handle(request);
});

async function handle(request: WorkerRequest): Promise<void> {
  const post = (reply: WorkerReply) => port.postMessage(reply);
  try {
    await import(request.moduleUrl);
    const task = findTask(request.moduleUrl, request.taskKey) as RunnableTask | undefined;
    if (!task) throw new Error(`task '${request.taskKey}' is not defined at the top level of ${request.moduleUrl}`);
    const log = (level: number, ...args: unknown[]) => post({ type: 'log', id: request.id, level, message: format(...args) });
    const logger = {
      log,
      debug: (...a: unknown[]) => log(10, ...a),
      info: (...a: unknown[]) => log(20, ...a),
      warning: (...a: unknown[]) => log(30, ...a),
      warn: (...a: unknown[]) => log(30, ...a),
      error: (...a: unknown[]) => log(40, ...a),
      critical: (...a: unknown[]) => log(50, ...a),
    };
    const frame = { kind: 'task', logger, logPrints: false, signal: new AbortController().signal } as unknown as TaskRunFrame;
    const value = await runStorage.run(frame, () => task.fn(...request.args));
    post({ type: 'result', id: request.id, value });
  } catch (error) {
    post({ type: 'error', id: request.id, error: errorInfo(error) });
  }
}
