import { errorInfo } from '../errors.js';
import { loadBlockDocument } from '../blocks/load-block.js';
import { maskSecretsDeep } from '../blocks/secret-masks.js';
import { runStorage, type RunFrame } from '../context.js';
import { engineSettings } from '../runtime.js';
import type { HostAnswer, HostCall } from './worker-protocol.js';

function noHost(what: string, call: HostCall): Error {
  return new Error(`${call.op}: no ${what} within reach of this flow run`);
}

/**
 * Carries out what a task on a worker thread asks, in the flow's process and in the task's own
 * run context: a block loaded here has its secrets masked in everything this process records, and
 * an artifact is masked here with every secret the run has loaded, on any thread.
 */
async function carryOut(call: HostCall): Promise<unknown> {
  const settings = engineSettings();
  switch (call.op) {
    case 'getVariable':
    case 'setVariable':
    case 'deleteVariable': {
      const host = settings.variables;
      if (!host) throw noHost('variables are', call);
      if (call.op === 'getVariable') return host.getVariable(call.name);
      if (call.op === 'setVariable') return host.setVariable(call.name, call.request);
      return host.deleteVariable(call.name);
    }
    case 'createArtifact':
      if (!settings.artifacts) throw noHost('artifact store is', call);
      return settings.artifacts.createArtifact(maskSecretsDeep(call.artifact));
    case 'updateArtifactProgress':
      if (!settings.artifacts) throw noHost('artifact store is', call);
      return settings.artifacts.updateArtifactProgress(call.id, call.progress);
    case 'loadBlock':
      return loadBlockDocument(`${call.type}/${call.name}`);
  }
}

/** The answer to a thread's call, made in the frame of the task that made it. */
export async function answerHostCall(frame: RunFrame | undefined, callId: number, call: HostCall): Promise<HostAnswer> {
  try {
    const value = frame ? await runStorage.run(frame, carryOut, call) : await carryOut(call);
    return { type: 'host-answer', callId, ok: true, value };
  } catch (error) {
    return { type: 'host-answer', callId, ok: false, error: errorInfo(error) };
  }
}
