/**
 * The builder's one door to the flow-document model in core: parsing, graph edits, positions.
 * Everything the views and the store need of it is named here.
 */
import { applyEdit, EditError, type GraphEdit as CoreEdit } from '../../../core/flow-document/edit.js';
import { emptyGraph, type FlowGraph, type GraphNode, type Problem } from '../../../core/flow-document/graph.js';
import { generateFlowModule } from '../../../core/flow-document/generate.js';
import { uniqueNodeId } from '../../../core/flow-document/ids.js';
import { nodeKind } from '../../../core/flow-document/node-kinds.js';
import { parseFlowModule } from '../../../core/flow-document/parse.js';
import { functionParameters } from '../../../core/flow-document/syntax.js';
import { validateGraph } from '../../../core/flow-document/validate.js';
import type { Positions, XY } from './history.js';

export type { FlowGraph, GraphNode, InputBinding, Problem } from '../../../core/flow-document/graph.js';

/**
 * A graph edit: core's, plus replacing the function of a node that carries code (what a pasted
 * code node needs, since adding one writes the kind's starting function).
 */
export type GraphEdit = CoreEdit | { type: 'setCode'; id: string; code: string };

/** The graph of the code, with what the parser found and what checking the graph finds, once each. */
export function parseSource(source: string): { graph: FlowGraph; problems: Problem[] } {
  const { graph, problems } = parseFlowModule(source);
  const seen = new Set(problems.map((p) => `${p.nodeId ?? ''}\0${p.message}`));
  const all = [...problems];
  for (const p of validateGraph(graph)) {
    const key = `${p.nodeId ?? ''}\0${p.message}`;
    if (!seen.has(key)) {
      seen.add(key);
      all.push(p);
    }
  }
  return { graph, problems: all };
}

/** Applies one edit; throws an Error whose message says why the code did not allow it. */
export function applyGraphEdit(source: string, edit: GraphEdit): string {
  if (edit.type === 'setCode') return replaceCode(source, edit.id, edit.code);
  return applyEdit(source, edit);
}

function replaceCode(source: string, id: string, code: string): string {
  const node = parseFlowModule(source).graph.nodes.find((n) => n.id === id);
  if (!node || node.code === undefined) throw new EditError(`There is no node '${id}' with code in the flow`, id);
  const declaration = source.slice(node.span.start, node.span.end);
  const at = declaration.indexOf(node.code);
  if (at < 0) throw new EditError(`The code of '${id}' could not be found in its declaration`, id);
  const start = node.span.start + at;
  const next = source.slice(0, start) + code + source.slice(start + node.code.length);
  const check = parseFlowModule(next);
  if (!check.graph.nodes.some((n) => n.id === id) || check.problems.some((p) => p.severity === 'error' && p.span && !p.nodeId)) {
    throw new EditError(`The code given for '${id}' does not fit in the flow`, id);
  }
  return next;
}

/** A fresh id for a new node of a kind: its kind's usual name, made unique in the graph. */
export function nodeIdFor(graph: FlowGraph, kind: string): string {
  return uniqueNodeId(graph, nodeKind(kind)?.defaultId ?? kind);
}

/**
 * The inputs a node shows as handles: its kind's inputs, its function's parameters for kinds that
 * carry code, and any argument the code already feeds from elsewhere.
 */
export function nodeInputs(node: GraphNode): string[] {
  const kind = nodeKind(node.kind);
  const names: string[] = [...(kind?.inputs ?? [])];
  if (kind?.parametersFromCode && node.code !== undefined) {
    for (const p of functionParameters(node.code) ?? []) names.push(p.name);
  }
  if (kind?.openFields) names.push(...Object.keys(node.fields));
  names.push(...Object.keys(node.inputs));
  return [...new Set(names)];
}

export function setFieldEdit(id: string, field: string, value: unknown): GraphEdit {
  return { type: 'setFields', id, fields: { [field]: value } };
}

export function setOptionEdit(id: string, option: string, value: unknown): GraphEdit {
  return { type: 'setOptions', id, options: { [option]: value } };
}

/** The task name runs are recorded under is an option of the task. */
export function setNameEdit(id: string, name: string): GraphEdit {
  return { type: 'setOptions', id, options: { name } };
}

/** The code of a new, empty flow, as the generator writes one. */
export function emptyFlowSource(flowName: string): string {
  return generateFlowModule(emptyGraph(flowName));
}

export { positionsFromSidecar, reconcile, sidecarText } from './positions.js';
export type { Positions, XY };
