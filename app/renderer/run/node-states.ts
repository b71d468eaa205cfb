import type { StateType } from '../../core/states.js';

export interface RunStateLike {
  type: StateType;
  name: string;
  timestamp: number;
  message?: string;
}

export interface TaskRunLike {
  id: string;
  taskKey: string;
  name: string;
  state: RunStateLike;
}

/** What a node shows of a run: one state for all its task runs, and how many there were. */
export interface NodeRunState {
  type: StateType;
  name: string;
  /** Task runs of the node (more than one for map, loops, retried subflows). */
  runs: number;
  /** How many of them are over. */
  finished: number;
  /** A failure's message, for the node's tooltip. */
  message?: string;
}

/** Which state a node with several task runs shows: the one a person most needs to see. */
export const STATE_PRECEDENCE: readonly StateType[] = ['CRASHED', 'FAILED', 'CANCELLING', 'RUNNING', 'PAUSED', 'PENDING', 'SCHEDULED', 'CANCELLED', 'COMPLETED'];

const FINISHED = new Set<StateType>(['COMPLETED', 'FAILED', 'CRASHED', 'CANCELLED']);

/** The task key without the `#2` a file with two tasks of one name gives the second. */
export function taskNameOfRun(run: Pick<TaskRunLike, 'taskKey'>): string {
  return run.taskKey.replace(/#\d+$/, '');
}

/**
 * The node a task run belongs to. Runs are named after their task (`fetch-users-0`, `-1`...),
 * which is the node's name; a ready-made task used under another name (`shellCommand.withOptions`)
 * keeps the library task's key, so the run's name decides first and the key only after it.
 */
export function nodeOfRun(nodes: readonly { id: string; name: string }[], run: Pick<TaskRunLike, 'taskKey' | 'name'>): string | undefined {
  const byRunName = nodes.find((node) => run.name === node.name || (run.name.startsWith(`${node.name}-`) && /^\d+$/.test(run.name.slice(node.name.length + 1))));
  if (byRunName) return byRunName.id;
  const key = taskNameOfRun(run);
  return nodes.find((node) => node.name === key)?.id;
}

/**
 * Each node's state in a run, matched by task name (what runs are recorded under). Nodes whose
 * task has not run yet are left out.
 */
export function nodeRunStates(nodes: readonly { id: string; name: string }[], taskRuns: Iterable<TaskRunLike>): Record<string, NodeRunState> {
  const byNode = new Map<string, TaskRunLike[]>();
  for (const run of taskRuns) {
    const id = nodeOfRun(nodes, run);
    if (id === undefined) continue;
    const list = byNode.get(id);
    if (list) list.push(run);
    else byNode.set(id, [run]);
  }
  const result: Record<string, NodeRunState> = {};
  for (const node of nodes) {
    const runs = byNode.get(node.id);
    if (!runs?.length) continue;
    let shown = runs[0];
    for (const run of runs) {
      if (STATE_PRECEDENCE.indexOf(run.state.type) < STATE_PRECEDENCE.indexOf(shown.state.type)) shown = run;
    }
    const state: NodeRunState = {
      type: shown.state.type,
      name: shown.state.name,
      runs: runs.length,
      finished: runs.filter((run) => FINISHED.has(run.state.type)).length,
    };
    if (shown.state.message) state.message = shown.state.message;
    result[node.id] = state;
  }
  return result;
}

/** The newer of two states of one run; on a tie the one heard last. */
export function newerState<S extends RunStateLike>(current: S | undefined, next: S): S {
  if (!current) return next;
  return next.timestamp >= current.timestamp ? next : current;
}
