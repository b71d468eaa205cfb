import type { ErrorInfo } from '../../core/index.js';
import type { CreateArtifact } from '../../core/api/artifacts.js';

export interface WorkerRequest {
  type: 'run';
  id: number;
  moduleUrl: string;
  taskKey: string;
  args: readonly unknown[];
  /** The runs the task's artifacts belong to, as the thread's SDK functions read them. */
  flowRunId: string;
  taskRunId: string;
}

/**
 * What a task on a worker thread asks of the flow's process, which holds the store or the server
 * and the list of secrets to mask: variables, artifacts and blocks.
 */
export type HostCall =
  | { op: 'getVariable'; name: string }
  | { op: 'setVariable'; name: string; request: { value: unknown; tags?: readonly string[]; overwrite: boolean } }
  | { op: 'deleteVariable'; name: string }
  | { op: 'createArtifact'; artifact: CreateArtifact }
  | { op: 'updateArtifactProgress'; id: string; progress: number }
  | { op: 'loadBlock'; type: string; name: string };

/** The main thread's answer to a HostCall, by its callId. */
export type HostAnswer = { type: 'host-answer'; callId: number } & ({ ok: true; value: unknown } | { ok: false; error: ErrorInfo });

export type WorkerReply =
  | { type: 'result'; id: number; value: unknown }
  | { type: 'error'; id: number; error: ErrorInfo }
  | { type: 'log'; id: number; level: number; message: string }
  | { type: 'host-call'; id: number; callId: number; call: HostCall };
