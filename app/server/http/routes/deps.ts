import type { Blocks } from '../../blocks/blocks.js';
import type { BundleStore } from '../../bundles/bundle-store.js';
import type { ServerResults } from '../../results/server-results.js';
import type { RunStore } from '../../store/run-store.js';
import type { FlowProcesses } from '../../flow-files/flow-processes.js';
import type { Workspace } from '../../workspace/workspace.js';
import type { EventHub } from '../event-hub.js';

/** What every resource plugin is given. */
export interface RouteDeps {
  store: RunStore;
  /** Told of failures that are the server's own fault, to be logged. */
  onUnexpectedError: (error: unknown) => void;
  /** The server's one poller of stored states and log lines, shared by every event socket. */
  events: EventHub;
  /** The folder of flow files the server reads, writes and runs; null when it serves none. */
  workspace: Workspace | null;
  /** The flow processes the server starts, stopped when it closes. */
  flowProcesses: FlowProcesses;
  /** This server's API base (`http://127.0.0.1:PORT/api`) as its own children reach it; known once listening. */
  selfApiUrl: () => string;
  /** The key this server requires, handed to the flow processes it starts. */
  apiKey: string | undefined;
  /** Blocks over the store, their secret fields sealed with the server's key. */
  blocks: Blocks;
  /** Results and cache entries the machines that report here share. */
  results: ServerResults;
  /** The largest result PUT /api/results/:key takes. */
  resultMaxBytes: number;
  /** Deployments' code, by hash. */
  bundles: BundleStore;
  /** Tells the scheduler that schedules changed (a deploy, a resume), so it makes their runs at once. */
  schedulesChanged: () => void;
  /** Aborted when the server starts closing: long polls answer at once. */
  closing: AbortSignal;
}
