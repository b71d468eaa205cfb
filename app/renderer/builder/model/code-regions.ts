import { FLOW_ANCHOR, type FlowGraph, type UnparsedRegion } from '../../../core/flow-document/graph.js';

/** Code inside the flow that the graph cannot show as a step, drawn on the canvas as it is written. */
export interface CanvasRegion {
  id: string;
  code: string;
  /** The first lines, for the node's face. */
  preview: string;
  /** The node or region it follows, when that is on the canvas too. */
  after: string | null;
  span: UnparsedRegion['span'];
}

const PREVIEW_LINES = 4;
const PREVIEW_WIDTH = 48;

function preview(code: string): string {
  const lines = code.split('\n');
  const shown = lines.slice(0, PREVIEW_LINES).map((line) => (line.length > PREVIEW_WIDTH ? `${line.slice(0, PREVIEW_WIDTH - 1)}…` : line));
  if (lines.length > PREVIEW_LINES) shown.push(`… ${lines.length - PREVIEW_LINES} more line${lines.length - PREVIEW_LINES === 1 ? '' : 's'}`);
  return shown.join('\n');
}

/**
 * The regions inside the flow's body (loops, plain statements between steps), which the canvas
 * shows so nothing in the flow is hidden. Module-level code (imports, helpers) stays in the editor.
 */
export function canvasRegions(graph: Pick<FlowGraph, 'nodes' | 'regions'>): CanvasRegion[] {
  const inFlow = graph.regions.filter((region) => region.scope !== 'module');
  const onCanvas = new Set([...graph.nodes.map((n) => n.id), ...inFlow.map((r) => r.id)]);
  return inFlow.map((region) => ({
    id: region.id,
    code: region.code,
    preview: preview(region.code),
    after: region.after !== null && region.after !== FLOW_ANCHOR && onCanvas.has(region.after) ? region.after : null,
    span: region.span,
  }));
}

/** Everything the canvas lays out: steps and code regions, joined by data and by order. */
export function canvasLayoutInput(graph: Pick<FlowGraph, 'nodes' | 'edges' | 'regions'>): {
  nodes: { id: string }[];
  edges: { source: string; target: string }[];
} {
  const regions = canvasRegions(graph);
  return {
    nodes: [...graph.nodes, ...regions],
    edges: [...graph.edges, ...regions.filter((r) => r.after !== null).map((r) => ({ source: r.after!, target: r.id }))],
  };
}

export function isRegionId(graph: Pick<FlowGraph, 'regions'>, id: string): boolean {
  return graph.regions.some((region) => region.id === id);
}
