import type { ErrorInfo } from '../../core/index.js';

export interface WorkerRequest {
  type: 'run';
  id: number;
  moduleUrl: string;
  taskKey: string;
  args: readonly unknown[];
}

export type WorkerReply =
  | { type: 'result'; id: number; value: unknown }
  | { type: 'error'; id: number; error: ErrorInfo }
  | { type: 'log'; id: number; level: number; message: string };
