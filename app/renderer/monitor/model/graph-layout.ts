import dagre from '@dagrejs/dagre';

interface LayoutNode {
  id: string;
  width: number;
  height: number;
}

interface LayoutEdge {
  source: string;
  target: string;
}

/** Where a node is drawn: its top-left corner and its size. */
interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface GraphLayout {
  /** Which layout placed the nodes: dagre for small graphs, the layered one above the limit. */
  engine: 'dagre' | 'layered';
  positions: ReadonlyMap<string, Box>;
  /** The extent of the drawing, margins included. */
  width: number;
  height: number;
}

export interface GraphLayoutOptions {
  /**
   * The largest graph dagre lays out, counted as dagre counts its work: nodes plus one hidden node
   * per column a long edge crosses. Above it the layered layout is used.
   */
  dagreLimit?: number;
}

/**
 * The default dagre limit. Dagre's time grows with nodes and with edge length: on a 2-core
 * machine 500 units take up to about 350 ms, 1,500 more than a second.
 */
const DEFAULT_DAGRE_LIMIT = 500;

const MARGIN = 20;
const COLUMN_GAP = 80;
const ROW_GAP = 24;

/** Nodes and edges as index arrays, the form both layouts walk. Edges to unknown ids and self-loops are dropped. */
interface IndexedGraph {
  nodes: readonly LayoutNode[];
  /** Successors of node i: targets[offsets[i]] .. targets[offsets[i + 1] - 1]. */
  outOffsets: Int32Array;
  outTargets: Int32Array;
  inOffsets: Int32Array;
  inSources: Int32Array;
}

function indexGraph(nodes: readonly LayoutNode[], edges: readonly LayoutEdge[]): IndexedGraph {
  const indexOf = new Map<string, number>();
  nodes.forEach((node, i) => indexOf.set(node.id, i));
  const sources: number[] = [];
  const targets: number[] = [];
  for (const edge of edges) {
    const s = indexOf.get(edge.source);
    const t = indexOf.get(edge.target);
    if (s === undefined || t === undefined || s === t) continue;
    sources.push(s);
    targets.push(t);
  }
  const n = nodes.length;
  const outOffsets = new Int32Array(n + 1);
  const inOffsets = new Int32Array(n + 1);
  for (let e = 0; e < sources.length; e++) {
    outOffsets[sources[e] + 1]++;
    inOffsets[targets[e] + 1]++;
  }
  for (let i = 0; i < n; i++) {
    outOffsets[i + 1] += outOffsets[i];
    inOffsets[i + 1] += inOffsets[i];
  }
  const outTargets = new Int32Array(sources.length);
  const inSources = new Int32Array(sources.length);
  const outFill = outOffsets.slice(0, n);
  const inFill = inOffsets.slice(0, n);
  for (let e = 0; e < sources.length; e++) {
    outTargets[outFill[sources[e]]++] = targets[e];
    inSources[inFill[targets[e]]++] = sources[e];
  }
  return { nodes, outOffsets, outTargets, inOffsets, inSources };
}

/**
 * Each node's column: the length of the longest path of edges that leads to it. A cycle (a group
 * whose members feed another group that feeds it back) is broken at the node that comes first in
 * the input, so every node gets a column.
 */
function longestPathDepths(graph: IndexedGraph): Int32Array {
  const n = graph.nodes.length;
  const depth = new Int32Array(n);
  const waiting = new Int32Array(n);
  const placed = new Uint8Array(n);
  for (let i = 0; i < n; i++) waiting[i] = graph.inOffsets[i + 1] - graph.inOffsets[i];
  const queue = new Int32Array(n);
  let head = 0;
  let tail = 0;
  for (let i = 0; i < n; i++) if (waiting[i] === 0) queue[tail++] = i;
  let nextUnplaced = 0;
  let done = 0;
  while (done < n) {
    if (head === tail) {
      // Only cycles are left: take the earliest node still waiting as if its edges were met.
      while (placed[nextUnplaced]) nextUnplaced++;
      waiting[nextUnplaced] = 0;
      queue[tail++] = nextUnplaced;
    }
    const u = queue[head++];
    if (placed[u]) continue;
    placed[u] = 1;
    done++;
    for (let k = graph.outOffsets[u]; k < graph.outOffsets[u + 1]; k++) {
      const v = graph.outTargets[k];
      if (placed[v]) continue;
      if (depth[u] + 1 > depth[v]) depth[v] = depth[u] + 1;
      if (--waiting[v] === 0) queue[tail++] = v;
    }
  }
  return depth;
}

/** How much work dagre would have: nodes plus a hidden node for each column an edge skips. */
function dagreWork(graph: IndexedGraph, depth: Int32Array): number {
  let work = graph.nodes.length;
  for (let u = 0; u < graph.nodes.length; u++) {
    for (let k = graph.outOffsets[u]; k < graph.outOffsets[u + 1]; k++) {
      work += Math.max(0, Math.abs(depth[graph.outTargets[k]] - depth[u]) - 1);
    }
  }
  return work;
}

/**
 * The layered layout: column by longest path, and within a column nodes ordered by the mean row
 * of their predecessors (input order when they have none), so edges mostly run straight. Linear
 * apart from one sort per column; columns are centred on the tallest.
 */
function layeredLayout(graph: IndexedGraph, depth: Int32Array): GraphLayout {
  const n = graph.nodes.length;
  let columnCount = 0;
  for (let i = 0; i < n; i++) if (depth[i] + 1 > columnCount) columnCount = depth[i] + 1;
  const columns: number[][] = Array.from({ length: columnCount }, () => []);
  for (let i = 0; i < n; i++) columns[depth[i]].push(i);

  const row = new Float64Array(n);
  const barycentre = new Float64Array(n);
  for (let c = 0; c < columnCount; c++) {
    const column = columns[c];
    for (const i of column) {
      let sum = 0;
      let count = 0;
      for (let k = graph.inOffsets[i]; k < graph.inOffsets[i + 1]; k++) {
        const p = graph.inSources[k];
        if (depth[p] < c) {
          sum += row[p];
          count++;
        }
      }
      barycentre[i] = count > 0 ? sum / count : Infinity;
    }
    column.sort((a, b) => barycentre[a] - barycentre[b] || a - b);
    column.forEach((i, r) => (row[i] = r));
  }

  const columnWidths = columns.map((column) => column.reduce((w, i) => Math.max(w, graph.nodes[i].width), 0));
  const columnHeights = columns.map((column) => column.reduce((h, i) => h + graph.nodes[i].height, 0) + Math.max(0, column.length - 1) * ROW_GAP);
  const tallest = columnHeights.reduce((h, x) => Math.max(h, x), 0);
  const positions = new Map<string, Box>();
  let x = MARGIN;
  for (let c = 0; c < columnCount; c++) {
    let y = MARGIN + (tallest - columnHeights[c]) / 2;
    for (const i of columns[c]) {
      const node = graph.nodes[i];
      // Narrower nodes sit in the middle of their column.
      positions.set(node.id, { x: Math.round(x + (columnWidths[c] - node.width) / 2), y: Math.round(y), width: node.width, height: node.height });
      y += node.height + ROW_GAP;
    }
    x += columnWidths[c] + COLUMN_GAP;
  }
  const width = columnCount === 0 ? 0 : x - COLUMN_GAP + MARGIN;
  const height = columnCount === 0 ? 0 : tallest + 2 * MARGIN;
  return { engine: 'layered', positions, width: Math.round(width), height: Math.round(height) };
}

function dagreLayout(nodes: readonly LayoutNode[], edges: readonly LayoutEdge[]): GraphLayout {
  const g = new dagre.graphlib.Graph();
  g.setGraph({ rankdir: 'LR', nodesep: ROW_GAP, ranksep: COLUMN_GAP, marginx: MARGIN, marginy: MARGIN });
  g.setDefaultEdgeLabel(() => ({}));
  for (const node of nodes) g.setNode(node.id, { width: node.width, height: node.height });
  for (const edge of edges) {
    if (edge.source !== edge.target && g.hasNode(edge.source) && g.hasNode(edge.target)) g.setEdge(edge.source, edge.target);
  }
  dagre.layout(g);
  const positions = new Map<string, Box>();
  for (const node of nodes) {
    const placed = g.node(node.id) as { x: number; y: number };
    // dagre gives centres; views place corners.
    positions.set(node.id, {
      x: Math.round(placed.x - node.width / 2),
      y: Math.round(placed.y - node.height / 2),
      width: node.width,
      height: node.height,
    });
  }
  const size = g.graph() as { width?: number; height?: number };
  return { engine: 'dagre', positions, width: Math.round(size.width ?? 0), height: Math.round(size.height ?? 0) };
}

/**
 * Lays a graph out left to right. Dagre draws the nicer picture but its cost grows fast, so a
 * graph above the limit gets the layered layout, which handles tens of thousands of nodes.
 */
export function layoutGraph(nodes: readonly LayoutNode[], edges: readonly LayoutEdge[], options: GraphLayoutOptions = {}): GraphLayout {
  if (nodes.length === 0) return { engine: 'dagre', positions: new Map(), width: 0, height: 0 };
  const limit = options.dagreLimit ?? DEFAULT_DAGRE_LIMIT;
  const graph = indexGraph(nodes, edges);
  const depth = longestPathDepths(graph);
  if (nodes.length > limit || dagreWork(graph, depth) > limit) return layeredLayout(graph, depth);
  return dagreLayout(nodes, edges);
}
