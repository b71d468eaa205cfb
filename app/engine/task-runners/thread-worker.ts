/** A worker thread of WorkerThreadTaskRunner: imports the task's module and runs its body. */
import { format } from 'node:util';
import { parentPort } from 'node:worker_threads';
import { runStorage, type TaskRunFrame } from '../context.js';
import { errorInfo } from '../errors.js';
import { registerFlowLoader } from '../loader/register.js';
import { findTask } from '../registry.js';
import { configureEngine } from '../runtime.js';
import { errorFromInfo } from '../errors.js';
import type { VariableHost } from '../variables.js';
import type { VariableAnswer, VariableCall, WorkerReply, WorkerRequest } from './worker-protocol.js';

registerFlowLoader();

interface RunnableTask {
  fn: (...args: unknown[]) => unknown;
}

const port = parentPort!;

/** The run this thread works on: a pooled thread takes one at a time. */
let currentRunId = 0;
let nextVariableCallId = 1;
const variableCalls = new Map<number, { resolve: (value: unknown) => void; reject: (error: Error) => void }>();

/** Variables as the main thread reaches them (the store or the server), asked over the port. */
function askMainThread(call: VariableCall): Promise<unknown> {
  const callId = nextVariableCallId++;
  return new Promise((resolve, reject) => {
    variableCalls.set(callId, { resolve, reject });
    port.postMessage({ type: 'variable', id: currentRunId, callId, call } satisfies WorkerReply);
  });
}

const threadVariables: VariableHost = {
  getVariable: (name) => askMainThread({ op: 'getVariable', name }) as ReturnType<VariableHost['getVariable']>,
  setVariable: (name, request) => askMainThread({ op: 'setVariable', name, request }) as ReturnType<VariableHost['setVariable']>,
  deleteVariable: (name) => askMainThread({ op: 'deleteVariable', name }) as ReturnType<VariableHost['deleteVariable']>,
};
configureEngine({ variables: threadVariables });

port.on('message', (message: WorkerRequest | VariableAnswer) => {
  if (message.type === 'variable-answer') {
    const waiting = variableCalls.get(message.callId);
    variableCalls.delete(message.callId);
    if (message.ok) waiting?.resolve(message.value);
    else waiting?.reject(errorFromInfo(message.error, 'the variable call failed'));
    return;
  }
  void handle(message);
});

async function handle(request: WorkerRequest): Promise<void> {
  const post = (reply: WorkerReply) => port.postMessage(reply);
  currentRunId = request.id;
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
