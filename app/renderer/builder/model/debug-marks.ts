/**
 * Breakpoints and pinned outputs a person sets on nodes: kept in the sidecar, never in the code,
 * and turned into the debug options of a run by the task names of their nodes.
 */
import type { FlowGraph, GraphNode } from '../../../core/flow-document/graph.js';
import { nodeKind } from '../../../core/flow-document/node-kinds.js';

export interface DebugMarks {
  /** Ids of the nodes a debug run stops at, in the order they were set. */
  readonly breakpoints: readonly string[];
  /** Outputs by node id that a debug run uses instead of running the node. */
  readonly pins: Readonly<Record<string, unknown>>;
}

export const NO_MARKS: DebugMarks = { breakpoints: [], pins: {} };

/** Whether a node runs as a task, so a run can stop before it or take a pinned output for it. */
export function isTaskNode(node: Pick<GraphNode, 'kind'>): boolean {
  return nodeKind(node.kind)?.taskOptions === true;
}

export function sameMarks(a: DebugMarks, b: DebugMarks): boolean {
  if (a.breakpoints.length !== b.breakpoints.length || a.breakpoints.some((id) => !b.breakpoints.includes(id))) return false;
  const keys = Object.keys(a.pins);
  return (
    keys.length === Object.keys(b.pins).length && keys.every((key) => key in b.pins && JSON.stringify(a.pins[key]) === JSON.stringify(b.pins[key]))
  );
}

/** Sets the breakpoint of a node, or clears it when it is set. */
export function toggleBreakpoint(marks: DebugMarks, id: string): DebugMarks {
  const breakpoints = marks.breakpoints.includes(id) ? marks.breakpoints.filter((b) => b !== id) : [...marks.breakpoints, id];
  return { ...marks, breakpoints };
}

export function pinOutput(marks: DebugMarks, id: string, value: unknown): DebugMarks {
  return { ...marks, pins: { ...marks.pins, [id]: value } };
}

export function unpinOutput(marks: DebugMarks, id: string): DebugMarks {
  if (!(id in marks.pins)) return marks;
  const pins = { ...marks.pins };
  delete pins[id];
  return { ...marks, pins };
}

/** Marks follow a node renamed in the builder. */
export function renameMarks(marks: DebugMarks, id: string, newId: string): DebugMarks {
  const breakpoints = marks.breakpoints.map((b) => (b === id ? newId : b));
  if (!(id in marks.pins)) return { ...marks, breakpoints };
  const pins: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(marks.pins)) pins[key === id ? newId : key] = value;
  return { breakpoints, pins };
}

/**
 * What a debug run of the graph stops at and does not run, by task name (what task runs are
 * recorded under), as `DebugOptions` has them. Nodes that share a task (further calls of it) share its breakpoint and pin.
 */
export function debugOptionsFor(
  graph: FlowGraph,
  marks: DebugMarks,
  breakOnFailure: boolean,
): { breakpoints: string[]; pins: Record<string, unknown>; breakOnFailure: boolean } {
  const tasks = new Map(graph.nodes.filter(isTaskNode).map((node) => [node.id, node.name]));
  const breakpoints = [...new Set(marks.breakpoints.flatMap((id) => (tasks.has(id) ? [tasks.get(id)!] : [])))];
  const pins: Record<string, unknown> = {};
  for (const [id, value] of Object.entries(marks.pins)) {
    const name = tasks.get(id);
    if (name !== undefined && !(name in pins)) pins[name] = value;
  }
  return { breakpoints, pins, breakOnFailure };
}

/** A pinned output as typed: the JSON value, or why it is not one. */
export function readPinText(text: string): { ok: true; value: unknown } | { ok: false; error: string } {
  if (text.trim() === '') return { ok: false, error: 'Give the output as JSON, such as {"id": 1}, [1, 2], "text" or 42' };
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch (error) {
    return { ok: false, error: `The output is not valid JSON: ${error instanceof Error ? error.message : String(error)}` };
  }
}

/**
 * A node's result from the last run as a pin: the server keeps results as JSON text, cut when
 * long, so a cut one cannot be pinned as it is.
 */
export function pinFromResult(result: string | null | undefined): { ok: true; value: unknown } | { ok: false; error: string } {
  if (result === null || result === undefined) return { ok: false, error: 'The last run kept no result for this node' };
  const read = readPinText(result);
  return read.ok ? read : { ok: false, error: 'The last run kept only the start of this result, which is not whole JSON; paste the output instead' };
}

/**
 * The line (1-based) of each task call in the code, where the editor's margin shows its breakpoint.
 * When two calls share a line the first keeps it.
 */
export function breakpointLines(graph: FlowGraph, source: string): Map<number, string> {
  const lines = new Map<number, string>();
  const calls = graph.nodes.filter((node) => isTaskNode(node) && node.callSpan).sort((a, b) => a.callSpan!.start - b.callSpan!.start);
  let line = 1;
  let at = 0;
  for (const node of calls) {
    const start = node.callSpan!.start;
    for (; at < start && at < source.length; at++) if (source.charCodeAt(at) === 10) line++;
    if (!lines.has(line)) lines.set(line, node.id);
  }
  return lines;
}

/** A stopped task run's arguments (JSON text, or null when they are not JSON) as the side panel shows them. */
export function stoppedInputsText(inputs: string | null): string {
  if (inputs === null) return 'Its inputs cannot be written as JSON.';
  try {
    return JSON.stringify(JSON.parse(inputs), null, 2);
  } catch {
    return inputs;
  }
}
