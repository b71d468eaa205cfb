/**
 * The builder's one door to the flow-document model in core: parsing, graph edits, positions.
 * Everything the views and the store need of it is named here.
 */
import { applyEdit, type GraphEdit } from '../../../core/flow-document/edit.js';
import { emptyGraph, type FlowGraph, type Problem } from '../../../core/flow-document/graph.js';
import { generateFlowModule } from '../../../core/flow-document/generate.js';
import { uniqueNodeId } from '../../../core/flow-document/ids.js';
import { nodeKind } from '../../../core/flow-document/node-kinds.js';
import { parseFlowModule } from '../../../core/flow-document/parse.js';
import { validateGraph } from '../../../core/flow-document/validate.js';
import type { Positions, XY } from './history.js';

export type { FlowGraph, GraphNode, InputBinding, Problem } from '../../../core/flow-document/graph.js';
export type { GraphEdit };
export { nodeInputs } from '../../../core/flow-document/inputs.js';

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
  return applyEdit(source, edit);
}

/** A fresh id for a new node of a kind: its kind's usual name, made unique in the graph. */
export function nodeIdFor(graph: FlowGraph, kind: string): string {
  return uniqueNodeId(graph, nodeKind(kind)?.defaultId ?? kind);
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

export { positionsFromSidecar, reconcile, reconcileMarks, sidecarText } from './positions.js';
export type { Positions, XY };
