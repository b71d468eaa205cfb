/**
 * Node positions live beside the flow file (`users-etl.ts` → `users-etl.flowdeck.json`), so the
 * code itself carries no layout. So do the debugging marks a person sets on nodes (breakpoints,
 * pinned outputs): they are not part of what the flow does.
 */
import { z } from 'zod';
import type { FlowGraph } from './graph.js';

export const SIDECAR_VERSION = 1;

const SidecarSchema = z.object({
  version: z.literal(SIDECAR_VERSION),
  nodes: z.record(z.string(), z.object({ x: z.number().finite(), y: z.number().finite() })),
  /** Ids of the nodes a debug run stops at. */
  breakpoints: z.array(z.string().min(1)).optional(),
  /** Outputs by node id: a debug run does not run these nodes and takes their pinned output. */
  pins: z.record(z.string(), z.unknown()).optional(),
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

/** Breakpoints and pins are written only when there are some, so a plain layout file stays as it was. */
export function serializeSidecar(sidecar: Sidecar): string {
  const marks = {
    ...(sidecar.breakpoints?.length ? { breakpoints: sidecar.breakpoints } : {}),
    ...(sidecar.pins && Object.keys(sidecar.pins).length ? { pins: sidecar.pins } : {}),
  };
  return `${JSON.stringify({ version: SIDECAR_VERSION, nodes: sidecar.nodes, ...marks }, null, 2)}\n`;
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
 * Where each saved id is in the graph as it is now: the same id while it exists, the new id after a
 * rename, or nothing for what is gone.
 */
function followIds(ids: readonly string[], graph: FlowGraph, options: ReconcileOptions): Map<string, string> {
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
  const moved = new Map<string, string>();
  const taken = new Set<string>();
  const unplaced: string[] = [];
  for (const id of ids) {
    const target = renamed(id);
    if (live.has(target) && !taken.has(target)) {
      moved.set(id, target);
      taken.add(target);
    } else unplaced.push(id);
  }
  if (options.previous) {
    // An id that vanished while a node of the same kind and name (or place among its kind) appeared is the same node.
    const previous = new Map(options.previous.nodes.map((n) => [n.id, n]));
    const previousOfKind = (kind: string) => options.previous!.nodes.filter((n) => n.kind === kind).map((n) => n.id);
    const currentOfKind = (kind: string) => graph.nodes.filter((n) => n.kind === kind).map((n) => n.id);
    for (const id of unplaced) {
      const old = previous.get(id);
      if (!old) continue;
      const candidates = graph.nodes.filter((n) => n.kind === old.kind && !taken.has(n.id) && !previous.has(n.id));
      const byName = candidates.find((n) => n.name === old.name && n.name !== n.id);
      const index = previousOfKind(old.kind).indexOf(id);
      const byPlace = candidates.find((n) => currentOfKind(old.kind).indexOf(n.id) === index);
      const match = byName ?? byPlace;
      if (match) {
        moved.set(id, match.id);
        taken.add(match.id);
      }
    }
  }
  return moved;
}

/**
 * The layout for the graph as it is now: positions, breakpoints and pins kept for nodes (and code
 * regions, for positions) that still exist, carried over renames, dropped for what is gone.
 */
export function reconcilePositions(sidecar: Sidecar, graph: FlowGraph, options: ReconcileOptions = {}): Sidecar {
  const breakpoints = sidecar.breakpoints ?? [];
  const pins = sidecar.pins ?? {};
  const ids = [...new Set([...Object.keys(sidecar.nodes), ...breakpoints, ...Object.keys(pins)])];
  const moved = followIds(ids, graph, options);
  const nodes: Record<string, Position> = {};
  for (const [id, position] of Object.entries(sidecar.nodes)) {
    const target = moved.get(id);
    if (target !== undefined) nodes[target] = position;
  }
  const result: Sidecar = { version: SIDECAR_VERSION, nodes };
  // Marks belong to steps only: a code region is never run on its own.
  const steps = new Set(graph.nodes.map((n) => n.id));
  const onStep = (id: string) => {
    const target = moved.get(id);
    return target !== undefined && steps.has(target) ? target : undefined;
  };
  if (sidecar.breakpoints) {
    const kept = breakpoints.map(onStep).filter((id): id is string => id !== undefined);
    result.breakpoints = [...new Set(kept)];
  }
  if (sidecar.pins) {
    result.pins = {};
    for (const [id, value] of Object.entries(pins)) {
      const target = onStep(id);
      if (target !== undefined) result.pins[target] = value;
    }
  }
  return result;
}
