import { isAtBreakpoint } from '../../../core/debugging.js';
import type { FlowRun, TaskRun } from '../../../core/runs.js';
import { isNotReady, isTerminal, STATE_TYPES, type State, type StateType } from '../../../core/states.js';
import { STATE_PRECEDENCE, taskNameOfRun } from '../../shared/node-states.js';
import { layoutGraph, type GraphLayout, type GraphLayoutOptions } from './graph-layout.js';

/** What a run graph needs of a task run. */
export type RunGraphTaskRun = Pick<TaskRun, 'id' | 'taskKey' | 'name' | 'dynamicKey' | 'runCount' | 'upstream' | 'state'> &
  Partial<Pick<TaskRun, 'reusedFrom'>>;

/** One task run drawn on its own. */
export interface TaskRunNode {
  kind: 'task-run';
  /** The task run's id. */
  id: string;
  taskKey: string;
  name: string;
  dynamicKey: number;
  state: State;
  /** Attempts so far, for a badge when above 1. */
  runCount: number;
  /** The group it belongs to when it is drawn as a member of an expanded group; null otherwise. */
  groupKey: string | null;
  /** Flow runs this task run started (subflows), for a view to open; empty for a plain task run. */
  childFlowRunIds: string[];
  /** It reused the recorded result of this task run instead of running; null when it ran. */
  reusedFrom: string | null;
}

/** The state a group shows: the one a person most needs to see among its members. */
interface GroupState {
  type: StateType;
  name: string;
  message?: string;
}

/** The task runs of one task key that are many (a map, a loop), summed up. */
export interface TaskGroup {
  /** The task key: what expanding and collapsing the group names it by. */
  key: string;
  /** The task's name, without the `#2` of a second task of one name. */
  label: string;
  total: number;
  /** Members per state type; every type is present. */
  counts: Record<StateType, number>;
  /** How many members are over. */
  finished: number;
  state: GroupState;
  /** Attempts over all members, and how many members took more than one. */
  attempts: number;
  retried: number;
  /** How many members started a subflow. */
  subflows: number;
  /** How many members are held at a breakpoint. */
  stopped: number;
  /** Member task run ids, by dynamic key. */
  memberIds: string[];
  expanded: boolean;
}

/** A collapsed group drawn as one node. */
interface TaskGroupNode {
  kind: 'group';
  /** `groupNodeId(group.key)`: never a task run id. */
  id: string;
  group: TaskGroup;
}

type RunGraphNode = TaskRunNode | TaskGroupNode;

interface RunGraphEdge {
  id: string;
  source: string;
  target: string;
}

interface RunGraph {
  /** In the order their first task run was created; an expanded group's members in place of its node. */
  nodes: RunGraphNode[];
  edges: RunGraphEdge[];
  /** Every group, expanded or not, in node order. */
  groups: TaskGroup[];
  /** The node that holds each task run: its own, or its collapsed group's. */
  nodeOfTaskRun: ReadonlyMap<string, string>;
}

interface RunGraphOptions {
  /** A task key with more task runs than this is drawn as a group. Default 1. */
  groupThreshold?: number;
  /** Keys of the groups drawn as their members. */
  expandedGroups?: ReadonlySet<string>;
  /** Flow runs started by task runs of this run (their parentTaskRunId); others are ignored. */
  childFlowRuns?: readonly Pick<FlowRun, 'id' | 'parentTaskRunId'>[];
}

export function groupNodeId(key: string): string {
  return `group:${key}`;
}

function emptyCounts(): Record<StateType, number> {
  const counts = {} as Record<StateType, number>;
  for (const type of STATE_TYPES) counts[type] = 0;
  return counts;
}

function summariseGroup(key: string, members: RunGraphTaskRun[], childRuns: ReadonlyMap<string, string[]>, expanded: boolean): TaskGroup {
  const counts = emptyCounts();
  let finished = 0;
  let attempts = 0;
  let retried = 0;
  let subflows = 0;
  let stopped = 0;
  for (const run of members) {
    if (isAtBreakpoint(run.state)) stopped++;
    counts[run.state.type]++;
    // A NotReady run will never run: it is over as much as a failed one.
    if (isTerminal(run.state.type) || isNotReady(run.state)) finished++;
    attempts += run.runCount;
    if (run.runCount > 1) retried++;
    if (childRuns.has(run.id)) subflows++;
  }
  const shownType = STATE_PRECEDENCE.find((type) => counts[type] > 0) ?? members[0].state.type;
  const shown = members.find((run) => run.state.type === shownType) ?? members[0];
  const state: GroupState = { type: shown.state.type, name: shown.state.name };
  if (shown.state.message) state.message = shown.state.message;
  const byKey = members.slice().sort((a, b) => a.dynamicKey - b.dynamicKey);
  return {
    key,
    label: taskNameOfRun(members[0]),
    total: members.length,
    counts,
    finished,
    state,
    attempts,
    retried,
    subflows,
    stopped,
    memberIds: byKey.map((run) => run.id),
    expanded,
  };
}

function taskRunNode(run: RunGraphTaskRun, groupKey: string | null, childRuns: ReadonlyMap<string, string[]>): TaskRunNode {
  return {
    kind: 'task-run',
    id: run.id,
    taskKey: run.taskKey,
    name: run.name,
    dynamicKey: run.dynamicKey,
    state: run.state,
    runCount: run.runCount,
    groupKey,
    childFlowRunIds: childRuns.get(run.id) ?? [],
    reusedFrom: run.reusedFrom ?? null,
  };
}

/**
 * The graph of one flow run as a monitoring view draws it: a node per task run, except that the
 * task runs of a task key that ran more than `groupThreshold` times are one group node unless the
 * group is expanded. Edges follow `upstream`, between whatever nodes hold the two task runs.
 */
export function buildRunGraph(taskRuns: readonly RunGraphTaskRun[], options: RunGraphOptions = {}): RunGraph {
  const threshold = options.groupThreshold ?? 1;
  const expanded = options.expandedGroups ?? new Set<string>();

  const childRuns = new Map<string, string[]>();
  for (const child of options.childFlowRuns ?? []) {
    if (child.parentTaskRunId === null) continue;
    const list = childRuns.get(child.parentTaskRunId);
    if (list) list.push(child.id);
    else childRuns.set(child.parentTaskRunId, [child.id]);
  }

  const byKey = new Map<string, RunGraphTaskRun[]>();
  for (const run of taskRuns) {
    const list = byKey.get(run.taskKey);
    if (list) list.push(run);
    else byKey.set(run.taskKey, [run]);
  }

  const nodes: RunGraphNode[] = [];
  const groups: TaskGroup[] = [];
  const nodeOfTaskRun = new Map<string, string>();
  // Keys in order of their first task run, so nodes keep the order runs were created in.
  for (const [key, runs] of byKey) {
    if (runs.length <= threshold) {
      for (const run of runs) {
        nodes.push(taskRunNode(run, null, childRuns));
        nodeOfTaskRun.set(run.id, run.id);
      }
      continue;
    }
    const isExpanded = expanded.has(key);
    const group = summariseGroup(key, runs, childRuns, isExpanded);
    groups.push(group);
    if (isExpanded) {
      for (const run of runs) {
        nodes.push(taskRunNode(run, key, childRuns));
        nodeOfTaskRun.set(run.id, run.id);
      }
    } else {
      const id = groupNodeId(key);
      nodes.push({ kind: 'group', id, group });
      for (const run of runs) nodeOfTaskRun.set(run.id, id);
    }
  }

  const edges: RunGraphEdge[] = [];
  const seen = new Set<string>();
  for (const run of taskRuns) {
    const target = nodeOfTaskRun.get(run.id)!;
    for (const upstreamId of run.upstream) {
      // An upstream run of another flow run (a future handed to a subflow) has no node here.
      const source = nodeOfTaskRun.get(upstreamId);
      if (source === undefined || source === target) continue;
      const id = `${source}->${target}`;
      if (seen.has(id)) continue;
      seen.add(id);
      edges.push({ id, source, target });
    }
  }
  return { nodes, edges, groups, nodeOfTaskRun };
}

/** The size a view draws a task run node and a group node at; the layout leaves room for them. */
const TASK_RUN_NODE_SIZE = { width: 200, height: 56 } as const;
const GROUP_NODE_SIZE = { width: 220, height: 76 } as const;

interface RunGraphLayoutOptions extends GraphLayoutOptions {
  /** A node's size, when a view draws them at other sizes than the defaults. */
  sizeOf?: (node: RunGraphNode) => { width: number; height: number };
}

function defaultSize(node: RunGraphNode): { width: number; height: number } {
  return node.kind === 'group' ? GROUP_NODE_SIZE : TASK_RUN_NODE_SIZE;
}

/** Places the graph's nodes left to right: dagre while the graph is small, the layered layout above its limit. */
export function layoutRunGraph(graph: RunGraph, options: RunGraphLayoutOptions = {}): GraphLayout {
  const sizeOf = options.sizeOf ?? defaultSize;
  const nodes = graph.nodes.map((node) => {
    const size = sizeOf(node);
    return { id: node.id, width: size.width, height: size.height };
  });
  return layoutGraph(nodes, graph.edges, options);
}
