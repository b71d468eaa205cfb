/** A worker thread of WorkerThreadTaskRunner: imports the task's module and runs its body. */
import { format } from 'node:util';
import { parentPort } from 'node:worker_threads';
import { runStorage, type TaskRunFrame } from '../context.js';
import { errorInfo } from '../errors.js';
import { registerFlowLoader } from '../loader/register.js';
import { findTask } from '../registry.js';
import { configureEngine } from '../runtime.js';
import { errorFromInfo } from '../errors.js';
import type { ArtifactSink } from '../artifact-sink.js';
import type { BlockSource } from '../blocks/block-source.js';
import type { VariableHost } from '../variables.js';
import type { HostAnswer, HostCall, WorkerReply, WorkerRequest } from './worker-protocol.js';

registerFlowLoader();

interface RunnableTask {
  fn: (...args: unknown[]) => unknown;
}

const port = parentPort!;

/** The run this thread works on: a pooled thread takes one at a time. */
let currentRunId = 0;
let nextHostCallId = 1;
const hostCalls = new Map<number, { resolve: (value: unknown) => void; reject: (error: Error) => void }>();

/** Asks the flow's process, which reaches the store or the server and masks the run's secrets. */
function askMainThread(call: HostCall): Promise<unknown> {
  const callId = nextHostCallId++;
  return new Promise((resolve, reject) => {
    hostCalls.set(callId, { resolve, reject });
    port.postMessage({ type: 'host-call', id: currentRunId, callId, call } satisfies WorkerReply);
  });
}

type Answer<F extends (...args: never[]) => Promise<unknown>> = ReturnType<F>;

const threadVariables: VariableHost = {
  getVariable: (name) => askMainThread({ op: 'getVariable', name }) as Answer<VariableHost['getVariable']>,
  setVariable: (name, request) => askMainThread({ op: 'setVariable', name, request }) as Answer<VariableHost['setVariable']>,
  deleteVariable: (name) => askMainThread({ op: 'deleteVariable', name }) as Answer<VariableHost['deleteVariable']>,
};
const threadArtifacts: ArtifactSink = {
  createArtifact: (artifact) => askMainThread({ op: 'createArtifact', artifact }) as Answer<ArtifactSink['createArtifact']>,
  updateArtifactProgress: (id, progress) =>
    askMainThread({ op: 'updateArtifactProgress', id, progress }) as Answer<ArtifactSink['updateArtifactProgress']>,
};
// The flow's process loads the block for the task's flow run and masks its secrets there too.
const threadBlocks: BlockSource = {
  load: (type, name) => askMainThread({ op: 'loadBlock', type, name }) as Answer<BlockSource['load']>,
};
configureEngine({ variables: threadVariables, artifacts: threadArtifacts, blocks: threadBlocks });

port.on('message', (message: WorkerRequest | HostAnswer) => {
  if (message.type === 'host-answer') {
    const waiting = hostCalls.get(message.callId);
    hostCalls.delete(message.callId);
    if (message.ok) waiting?.resolve(message.value);
    else waiting?.reject(errorFromInfo(message.error, `the flow's process could not carry out the call`));
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
    // Enough of a run frame for the SDK's functions: its logger, and the runs an artifact belongs to.
    const frame = {
      kind: 'task',
      taskRunId: request.taskRunId,
      flowRun: { flowRunId: request.flowRunId },
      logger,
      logPrints: false,
      signal: new AbortController().signal,
    } as unknown as TaskRunFrame;
    const value = await runStorage.run(frame, () => task.fn(...request.args));
    post({ type: 'result', id: request.id, value });
  } catch (error) {
    post({ type: 'error', id: request.id, error: errorInfo(error) });
  }
}
