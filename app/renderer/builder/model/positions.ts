import type { FlowGraph } from '../../../core/flow-document/graph.js';
import { parseSidecar, reconcilePositions, serializeSidecar, SIDECAR_VERSION } from '../../../core/flow-document/sidecar.js';
import { canvasLayoutInput } from './code-regions.js';
import type { Positions, XY } from './history.js';
import { NO_MARKS, sameMarks, type DebugMarks } from './debug-marks.js';
import { freeSpotBelow, NODE_WIDTH, nextFreePosition } from './layout.js';

/** Positions and debugging marks read from a sidecar's text; a malformed sidecar gives none and says why. */
export function positionsFromSidecar(text: string | null): { positions: Positions; marks: DebugMarks; error: string | null } {
  if (text === null) return { positions: {}, marks: NO_MARKS, error: null };
  const read = parseSidecar(text);
  if (!read.ok) return { positions: {}, marks: NO_MARKS, error: read.error };
  const { nodes, breakpoints = [], pins = {} } = read.sidecar;
  return { positions: nodes, marks: { breakpoints, pins }, error: null };
}

export function sidecarText(positions: Positions, marks: DebugMarks = NO_MARKS): string {
  return serializeSidecar({ version: SIDECAR_VERSION, nodes: { ...positions }, breakpoints: [...marks.breakpoints], pins: { ...marks.pins } });
}

/** Marks for the graph as it is now: carried over renames in the code (when the previous graph is known), dropped with their nodes. */
export function reconcileMarks(graph: FlowGraph, marks: DebugMarks, previous?: FlowGraph): DebugMarks {
  if (marks.breakpoints.length === 0 && Object.keys(marks.pins).length === 0) return marks;
  const kept = reconcilePositions(
    { version: SIDECAR_VERSION, nodes: {}, breakpoints: [...marks.breakpoints], pins: { ...marks.pins } },
    graph,
    previous ? { previous } : {},
  );
  const next = { breakpoints: kept.breakpoints ?? [], pins: kept.pins ?? {} };
  return sameMarks(next, marks) ? marks : next;
}

/**
 * A position for every node of the graph and every code region on the canvas: kept where it was (across renames in the code, when
 * the previous graph is known), and for new nodes beside the node that feeds them, or in free
 * space when nothing does.
 */
export function reconcile(graph: FlowGraph, positions: Positions, previous?: FlowGraph): Record<string, XY> {
  const kept = reconcilePositions({ version: SIDECAR_VERSION, nodes: { ...positions } }, graph, previous ? { previous } : {}).nodes;
  const { nodes, edges } = canvasLayoutInput(graph);
  const placed: Record<string, XY> = {};
  for (const node of nodes) if (kept[node.id]) placed[node.id] = kept[node.id];
  for (const node of nodes) {
    if (placed[node.id]) continue;
    const feeder = edges.find((edge) => edge.target === node.id && placed[edge.source]);
    const at = feeder ? { x: placed[feeder.source].x + NODE_WIDTH + 80, y: placed[feeder.source].y } : nextFreePosition(placed);
    placed[node.id] = freeSpotBelow(placed, at);
  }
  return placed;
}
