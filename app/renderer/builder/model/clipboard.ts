import type { FlowGraph, GraphNode, NodeOptions } from '../../../core/flow-document/graph.js';
import { kebabCase, uniqueName, takenNames } from '../../../core/flow-document/ids.js';
import type { Positions, XY } from './history.js';

/** A copied node: enough to write it again under a new id. */
interface ClipboardNode {
  id: string;
  kind: string;
  name: string;
  fields: Record<string, unknown>;
  options: NodeOptions;
  code?: string;
  /** Where it stood relative to the first copied node. */
  offset: XY;
}

/** What Copy puts on the clipboard; also written to the system clipboard as JSON. */
export interface ClipboardContent {
  format: typeof CLIPBOARD_FORMAT;
  nodes: ClipboardNode[];
  /** Connections between copied nodes; connections to nodes left behind are not copied. */
  edges: { source: string; target: string; input: string }[];
}

const CLIPBOARD_FORMAT = 'flowdeck/nodes@1';

export function copyNodes(graph: FlowGraph, positions: Positions, ids: readonly string[]): ClipboardContent | null {
  const chosen = new Set(ids);
  const nodes = graph.nodes.filter((node) => chosen.has(node.id));
  if (nodes.length === 0) return null;
  const origin = positions[nodes[0].id] ?? { x: 0, y: 0 };
  return {
    format: CLIPBOARD_FORMAT,
    nodes: nodes.map((node) => {
      const at = positions[node.id] ?? origin;
      const copied: ClipboardNode = {
        id: node.id,
        kind: node.kind,
        name: node.name,
        fields: structuredClone(node.fields),
        options: structuredClone(node.options),
        offset: { x: at.x - origin.x, y: at.y - origin.y },
      };
      if (node.code !== undefined) copied.code = node.code;
      return copied;
    }),
    edges: graph.edges
      .filter((edge) => chosen.has(edge.source) && chosen.has(edge.target))
      .map(({ source, target, input }) => ({ source, target, input })),
  };
}

/** Reads clipboard text that Copy wrote; null for anything else. */
export function readClipboardText(text: string): ClipboardContent | null {
  try {
    const value = JSON.parse(text) as Partial<ClipboardContent>;
    if (value?.format !== CLIPBOARD_FORMAT || !Array.isArray(value.nodes) || !Array.isArray(value.edges)) return null;
    const wellFormed = value.nodes.every((n) => typeof n?.id === 'string' && typeof n.kind === 'string' && typeof n.name === 'string');
    return wellFormed ? (value as ClipboardContent) : null;
  } catch {
    return null;
  }
}

interface PastePlan {
  /** The new node for each copied one, under its new id and name. */
  nodes: (ClipboardNode & { newId: string; newName: string; at: XY })[];
  edges: { source: string; target: string; input: string }[];
}

/**
 * New ids and names for pasted nodes, so they never clash with the graph (ids are variables;
 * names are what runs are recorded under, and two tasks of one name would share a history).
 */
export function planPaste(graph: FlowGraph, content: ClipboardContent, at: XY): PastePlan {
  const taken = takenNames(graph);
  const names = new Set(graph.nodes.map((node: GraphNode) => node.name));
  const ids = new Map<string, string>();
  const nodes = content.nodes.map((node) => {
    const newId = uniqueName(node.id, taken);
    taken.add(newId);
    ids.set(node.id, newId);
    // A name derived from the id follows the new id; a name chosen by hand gets a suffix.
    const base = node.name === kebabCase(node.id) ? kebabCase(newId) : `${node.name}-copy`;
    let newName = base;
    for (let n = 2; names.has(newName); n++) newName = `${base}-${n}`;
    names.add(newName);
    return { ...node, newId, newName, at: { x: at.x + node.offset.x, y: at.y + node.offset.y } };
  });
  const edges = content.edges.flatMap((edge) => {
    const source = ids.get(edge.source);
    const target = ids.get(edge.target);
    return source && target ? [{ source, target, input: edge.input }] : [];
  });
  return { nodes, edges };
}
