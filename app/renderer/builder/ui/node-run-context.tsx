import { createContext, useContext } from 'react';

/** Runs that start from a node of the graph: what the side panel offers on a task node. */
export interface NodeRunActions {
  /** A debug run (parameters asked for as for Debug) that stops as a whole once a run of this task completes. */
  runToHere(taskName: string): void;
  /** The last run again from one of its task runs, as a new run shown in the builder. */
  runFromHere(taskRunId: string): Promise<{ flowRunId: string } | { error: string } | null>;
}

export const NodeRunContext = createContext<NodeRunActions | null>(null);

export function useNodeRuns(): NodeRunActions | null {
  return useContext(NodeRunContext);
}
