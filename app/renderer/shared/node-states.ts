import { BREAKPOINT, PINNED, SKIPPED } from '../../core/debugging.js';
import { isNotReady, isTerminal, type StateType } from '../../core/states.js';
import { shownValue } from './format.js';

interface RunStateLike {
  type: StateType;
  name: string;
  timestamp: number;
  message?: string;
}

interface TaskRunLike {
  id: string;
  taskKey: string;
  name: string;
  state: RunStateLike;
  /** The map index among runs of one task (0 for a task called once). */
  dynamicKey?: number;
  /** The JSON preview of the result the server keeps; null until there is one. */
  result?: string | null;
  /** The attempt of its flow run that made it. */
  flowRunAttempt?: number;
}

/**
 * The task runs of the latest attempt of their flow run: a node shows what the run did last, not
 * a retried run's attempts added together.
 */
function ofLatestAttempt<T extends TaskRunLike>(taskRuns: Iterable<T>): T[] {
  const runs = [...taskRuns];
  let latest = 0;
  for (const run of runs) latest = Math.max(latest, run.flowRunAttempt ?? 1);
  return latest <= 1 ? runs : runs.filter((run) => (run.flowRunAttempt ?? 1) === latest);
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
  /** One short line of what the node gave, once every run of it is over. */
  preview?: string;
}

/** Which state a node with several task runs shows: the one a person most needs to see. */
export const STATE_PRECEDENCE: readonly StateType[] = [
  'CRASHED',
  'FAILED',
  'CANCELLING',
  'RUNNING',
  'PAUSED',
  'PENDING',
  'SCHEDULED',
  'CANCELLED',
  'COMPLETED',
];

/** What a node says of a task run that rests NotReady: it never ran, because a run before it failed. */
export const NOT_RUN_LABEL = 'not run: upstream failed';

/** A run that is over: in a final state, or NotReady, which nothing moves on. */
function isOver(state: Pick<RunStateLike, 'type' | 'name'>): boolean {
  return isTerminal(state.type) || isNotReady(state);
}

/** Whether `run` should be shown over `shown`: a more urgent type, or among pending runs one that will never run. */
function shownOver(run: RunStateLike, shown: RunStateLike): boolean {
  const rank = STATE_PRECEDENCE.indexOf(run.type) - STATE_PRECEDENCE.indexOf(shown.type);
  return rank < 0 || (rank === 0 && isNotReady(run) && !isNotReady(shown));
}

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
  const byRunName = nodes.find(
    (node) => run.name === node.name || (run.name.startsWith(`${node.name}-`) && /^\d+$/.test(run.name.slice(node.name.length + 1))),
  );
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
  for (const run of ofLatestAttempt(taskRuns)) {
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
      if (shownOver(run.state, shown.state)) shown = run;
    }
    const state: NodeRunState = {
      type: shown.state.type,
      name: isNotReady(shown.state) ? NOT_RUN_LABEL : shown.state.name,
      runs: runs.length,
      finished: runs.filter((run) => isOver(run.state)).length,
    };
    if (shown.state.message) state.message = shown.state.message;
    if (state.finished === state.runs) {
      const preview = outputPreview(runs);
      if (preview) state.preview = preview;
    }
    result[node.id] = state;
  }
  return result;
}

/**
 * What a debug run adds to a node's look: `breakpoint` for a run held at one (a look of its own,
 * apart from running or failed), `skipped` and `pinned` for runs that completed without running
 * (they look completed, with a small mark). Null for any other state.
 */
export type DebugMark = 'breakpoint' | 'skipped' | 'pinned';

export function debugMark(state: Pick<RunStateLike, 'type' | 'name'>): DebugMark | null {
  if (state.type === 'PAUSED' && state.name === BREAKPOINT) return 'breakpoint';
  if (state.type === 'COMPLETED' && state.name === SKIPPED) return 'skipped';
  if (state.type === 'COMPLETED' && state.name === PINNED) return 'pinned';
  return null;
}

/** The class a node's element takes for its debug mark: `is-breakpoint`, or nothing. */
export function debugMarkClass(state: Pick<RunStateLike, 'type' | 'name'>): string {
  const mark = debugMark(state);
  return mark ? ` is-${mark}` : '';
}

/** The newer of two states of one run; on a tie the one heard last. */
export function newerState<S extends RunStateLike>(current: S | undefined, next: S): S {
  if (!current) return next;
  return next.timestamp >= current.timestamp ? next : current;
}

/** How much of a result the engine keeps for people (its PREVIEW_LIMIT): a longer one was cut. */
export const KEPT_RESULT_CHARS = 2000;

/** What one task run gave, as the builder shows it under a selected node. */
export interface RunOutput {
  taskRunId: string;
  name: string;
  /** Its map index. */
  index: number;
  state: RunStateLike;
  /** The result, pretty-printed when small enough, cut to what a page holds; null when there is none. */
  text: string | null;
  /** What a person should know about the text: that it was cut, or why there is none. */
  note: string | null;
}

/** One run's result as shown: the text, and a note when it is cut or missing. */
function runOutput(run: TaskRunLike): RunOutput {
  const base = { taskRunId: run.id, name: run.name, index: run.dynamicKey ?? 0, state: run.state };
  const result = run.result ?? null;
  if (result === null) {
    const name = isNotReady(run.state) ? NOT_RUN_LABEL : run.state.name;
    const note = !isOver(run.state)
      ? `${name}: no result yet`
      : run.state.type === 'COMPLETED'
        ? 'No result was kept for this run'
        : `${name}${run.state.message ? `: ${run.state.message}` : ''}; no result`;
    return { ...base, text: null, note };
  }
  const shown = shownValue(result);
  const notes: string[] = [];
  if (result.length >= KEPT_RESULT_CHARS && result.endsWith('…'))
    notes.push(`The result is large: the server keeps its first ${KEPT_RESULT_CHARS.toLocaleString('en')} characters`);
  if (shown.cut) notes.push(`${shown.cut.toLocaleString('en')} more characters not shown`);
  return { ...base, text: shown.text, note: notes.length ? notes.join('; ') : null };
}

/** What each run of one node gave, in map order. */
export function nodeOutputs(nodes: readonly { id: string; name: string }[], taskRuns: Iterable<TaskRunLike>, nodeId: string): RunOutput[] {
  const runs: TaskRunLike[] = [];
  for (const run of ofLatestAttempt(taskRuns)) if (nodeOfRun(nodes, run) === nodeId) runs.push(run);
  return runs.sort((a, b) => (a.dynamicKey ?? 0) - (b.dynamicKey ?? 0)).map(runOutput);
}

/** The characters a preview on a node may take. */
export const PREVIEW_CHARS = 48;

function oneLine(text: string, max: number): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

/** A node's result in one short line: the value for one run, a count and the first for many. */
export function outputPreview(runs: readonly TaskRunLike[]): string | undefined {
  const results = [...runs].sort((a, b) => (a.dynamicKey ?? 0) - (b.dynamicKey ?? 0)).map((r) => r.result ?? null);
  const first = results.find((r) => r !== null);
  if (first === undefined || first === null) return undefined;
  if (runs.length === 1) return oneLine(first, PREVIEW_CHARS);
  return oneLine(`${runs.length} results: ${results.map((r) => r ?? '–').join(', ')}`, PREVIEW_CHARS);
}
