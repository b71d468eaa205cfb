import type { ErrorInfo } from '../../core/index.js';

export interface WorkerRequest {
  type: 'run';
  id: number;
  moduleUrl: string;
  taskKey: string;
  args: readonly unknown[];
}

/** A variable call a task makes on a worker thread, carried out by the main thread's VariableHost. */
export type VariableCall =
  | { op: 'getVariable'; name: string }
  | { op: 'setVariable'; name: string; request: { value: unknown; tags?: readonly string[]; overwrite: boolean } }
  | { op: 'deleteVariable'; name: string };

/** The main thread's answer to a VariableCall, by its callId. */
export type VariableAnswer = { type: 'variable-answer'; callId: number } & ({ ok: true; value: unknown } | { ok: false; error: ErrorInfo });

export type WorkerReply =
  | { type: 'result'; id: number; value: unknown }
  | { type: 'error'; id: number; error: ErrorInfo }
  | { type: 'log'; id: number; level: number; message: string }
  | { type: 'variable'; id: number; callId: number; call: VariableCall };
