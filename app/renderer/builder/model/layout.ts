import dagre from '@dagrejs/dagre';
import type { Positions, XY } from './history.js';

/** The size the canvas draws a node at; layout leaves room for it. */
export const NODE_WIDTH = 220;
export const NODE_HEIGHT = 76;

interface LayoutInput {
  nodes: readonly { id: string }[];
  edges: readonly { source: string; target: string }[];
}

/**
 * Lays the graph out left to right along its edges (dagre), as a pipeline reads. Nodes without
 * edges line up like the rest, in the order given. Positions are the nodes' top-left corners.
 */
export function autoLayout(graph: LayoutInput, direction: 'LR' | 'TB' = 'LR'): Record<string, XY> {
  const g = new dagre.graphlib.Graph();
  g.setGraph({ rankdir: direction, nodesep: 40, ranksep: 80, marginx: 20, marginy: 20 });
  g.setDefaultEdgeLabel(() => ({}));
  const ids = new Set(graph.nodes.map((n) => n.id));
  for (const node of graph.nodes) g.setNode(node.id, { width: NODE_WIDTH, height: NODE_HEIGHT });
  for (const edge of graph.edges) {
    if (ids.has(edge.source) && ids.has(edge.target) && edge.source !== edge.target) g.setEdge(edge.source, edge.target);
  }
  dagre.layout(g);
  const positions: Record<string, XY> = {};
  for (const node of graph.nodes) {
    const placed = g.node(node.id) as { x: number; y: number } | undefined;
    // dagre gives centres; the canvas places corners.
    positions[node.id] = placed ? { x: Math.round(placed.x - NODE_WIDTH / 2), y: Math.round(placed.y - NODE_HEIGHT / 2) } : { x: 0, y: 0 };
  }
  return positions;
}

/**
 * A free spot for a new node: right of the rightmost node, level with the first, so a node added
 * by a click never lands on another.
 */
export function nextFreePosition(positions: Positions): XY {
  const all = Object.values(positions);
  if (all.length === 0) return { x: 40, y: 40 };
  const right = Math.max(...all.map((p) => p.x));
  const top = Math.min(...all.map((p) => p.y));
  return { x: right + NODE_WIDTH + 60, y: top };
}

/** The first spot at or below `at` where a node would overlap no other, so new nodes never stack. */
export function freeSpotBelow(positions: Positions, at: XY): XY {
  let spot = at;
  while (Object.values(positions).some((p) => Math.abs(p.x - spot.x) < NODE_WIDTH && Math.abs(p.y - spot.y) < NODE_HEIGHT)) {
    spot = { x: spot.x, y: spot.y + NODE_HEIGHT + 30 };
  }
  return spot;
}
