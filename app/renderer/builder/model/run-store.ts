import { createStore, type StoreApi } from 'zustand/vanilla';
import type { FlowGraph } from '../../../core/flow-document/graph.js';
import { nodeRunStates, type NodeRunState } from '../../shared/node-states.js';
import type { RunSnapshot } from './run-tracker.js';

type RunPhase =
  /** Nothing has been run since the page opened. */
  | 'idle'
  /** Saving, describing or asking the server to start it. */
  | 'starting'
  | 'running'
  | 'finished'
  /** The server refused or could not start it; `error` says why. */
  | 'failed-to-start';

export interface RunView {
  phase: RunPhase;
  /** The file that was run. */
  path: string | null;
  /** Started with Debug: it stops at breakpoints and takes pinned outputs. */
  debug: boolean;
  flowRunId: string | null;
  snapshot: RunSnapshot | null;
  nodeStates: Record<string, NodeRunState>;
  error: string | null;
}

export interface RunViewActions {
  starting(path: string, debug?: boolean): void;
  started(flowRunId: string): void;
  failed(message: string): void;
  /** Something went wrong around a run that goes on (a refused cancel). */
  setError(message: string | null): void;
  update(snapshot: RunSnapshot, graph: FlowGraph): void;
  /** The graph changed: match the run's task runs to its nodes again. */
  regraph(graph: FlowGraph): void;
  clear(): void;
}

export type RunViewStore = StoreApi<RunView & RunViewActions>;

const IDLE: RunView = { phase: 'idle', path: null, debug: false, flowRunId: null, snapshot: null, nodeStates: {}, error: null };

/** The state of the last run started from the builder, as the canvas and run panel show it. */
export function createRunViewStore(): RunViewStore {
  return createStore<RunView & RunViewActions>()((set, get) => ({
    ...IDLE,
    starting(path, debug = false) {
      set({ ...IDLE, phase: 'starting', path, debug });
    },
    started(flowRunId) {
      set({ phase: 'running', flowRunId, error: null });
    },
    failed(message) {
      set({ phase: 'failed-to-start', error: message });
    },
    setError(message) {
      set({ error: message });
    },
    update(snapshot, graph) {
      set({
        snapshot,
        nodeStates: nodeRunStates(graph.nodes, snapshot.taskRuns),
        phase: snapshot.finished ? 'finished' : 'running',
        error: snapshot.error,
      });
    },
    regraph(graph) {
      const { snapshot } = get();
      if (snapshot) set({ nodeStates: nodeRunStates(graph.nodes, snapshot.taskRuns) });
    },
    clear() {
      set(IDLE);
    },
  }));
}
