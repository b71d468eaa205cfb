/**
 * Node positions live beside the flow file (`users-etl.ts` → `users-etl.flowdeck.json`), so the
 * code itself carries no layout.
 */
import { z } from 'zod';
import type { FlowGraph } from './graph.js';

export const SIDECAR_VERSION = 1;

const SidecarSchema = z.object({
  version: z.literal(SIDECAR_VERSION),
  nodes: z.record(z.string(), z.object({ x: z.number().finite(), y: z.number().finite() })),
});
export type Sidecar = z.infer<typeof SidecarSchema>;
type Position = Sidecar['nodes'][string];

type SidecarRead = { ok: true; sidecar: Sidecar } | { ok: false; error: string };

/** Reads a layout file; a malformed one gives a message saying what is wrong, never an exception. */
export function parseSidecar(text: string): SidecarRead {
  if (text.trim() === '') return { ok: false, error: 'The layout file is empty; expected {"version": 1, "nodes": {...}}' };
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    return { ok: false, error: `The layout file is not valid JSON: ${error instanceof Error ? error.message : String(error)}` };
  }
  if (typeof data === 'object' && data !== null && 'version' in data && data.version !== SIDECAR_VERSION) {
    return { ok: false, error: `The layout file has version ${JSON.stringify(data.version)}; this Flowdeck reads version ${SIDECAR_VERSION}` };
  }
  const result = SidecarSchema.safeParse(data);
  if (!result.success) {
    const issue = result.error.issues[0];
    const where = issue.path.length > 0 ? issue.path.join('.') : 'the top level';
    return { ok: false, error: `The layout file is malformed at ${where}: ${issue.message}` };
  }
  return { ok: true, sidecar: result.data };
}

export function serializeSidecar(sidecar: Sidecar): string {
  return `${JSON.stringify({ version: SIDECAR_VERSION, nodes: sidecar.nodes }, null, 2)}\n`;
}

/** `flows/users-etl.ts` → `flows/users-etl.flowdeck.json`. */
export function sidecarPathFor(flowPath: string): string {
  const base = flowPath.replace(/\.(?:[cm]?ts|tsx|[cm]?js|jsx)$/, '');
  return `${base}.flowdeck.json`;
}

interface ReconcileOptions {
  /** Renames since the positions were saved, old id to new id (chains are followed). */
  renames?: Readonly<Record<string, string>>;
  /** The graph the positions were saved for: a node whose id changed in the code keeps its place when it is recognisably the same. */
  previous?: FlowGraph;
}

/**
 * Positions for the graph as it is now: kept for nodes (and code regions) that still exist,
 * carried over renames, dropped for what is gone.
 */
export function reconcilePositions(sidecar: Sidecar, graph: FlowGraph, options: ReconcileOptions = {}): Sidecar {
  const live = new Set([...graph.nodes.map((n) => n.id), ...graph.regions.map((r) => r.id)]);
  const renamed = (id: string): string => {
    const seen = new Set<string>();
    let current = id;
    while (options.renames?.[current] !== undefined && !seen.has(current)) {
      seen.add(current);
      current = options.renames[current];
    }
    return current;
  };
  const nodes: Record<string, Position> = {};
  const unplaced: [string, Position][] = [];
  for (const [id, position] of Object.entries(sidecar.nodes)) {
    const target = renamed(id);
    if (live.has(target) && !nodes[target]) nodes[target] = position;
    else unplaced.push([id, position]);
  }
  if (options.previous) {
    // An id that vanished while a node of the same kind and name (or place among its kind) appeared is the same node.
    const previous = new Map(options.previous.nodes.map((n) => [n.id, n]));
    const previousOfKind = (kind: string) => options.previous!.nodes.filter((n) => n.kind === kind).map((n) => n.id);
    const currentOfKind = (kind: string) => graph.nodes.filter((n) => n.kind === kind).map((n) => n.id);
    for (const [id, position] of unplaced) {
      const old = previous.get(id);
      if (!old) continue;
      const candidates = graph.nodes.filter((n) => n.kind === old.kind && !nodes[n.id] && !previous.has(n.id));
      const byName = candidates.find((n) => n.name === old.name && n.name !== n.id);
      const index = previousOfKind(old.kind).indexOf(id);
      const byPlace = candidates.find((n) => currentOfKind(old.kind).indexOf(n.id) === index);
      const match = byName ?? byPlace;
      if (match) nodes[match.id] = position;
    }
  }
  return { version: SIDECAR_VERSION, nodes };
}
