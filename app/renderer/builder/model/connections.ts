/**
 * What the canvas needs to connect handles: each handle's type, for its colour, and why a
 * connection dragged between two handles would be refused, for the hint shown where it was dropped.
 */
import { connectionRefusal, handleTypeName, inputType, resultType, type HandleType } from '../../../core/flow-document/handle-types.js';
import type { FlowGraph, GraphNode } from '../../../core/flow-document/graph.js';

export interface HandleLook {
  /** 'string', 'list | object', 'any'; 'none' for a step without a result. */
  name: string;
  /** The class suffix its colour comes from: one type, 'mixed' for several. */
  colour: string;
}

function look(type: HandleType | 'none'): HandleLook {
  if (type === 'none') return { name: 'none', colour: 'none' };
  return { name: handleTypeName(type), colour: type === 'any' ? 'any' : type.length === 1 ? type[0] : 'mixed' };
}

export function resultLook(node: GraphNode): HandleLook {
  return look(resultType(node));
}

export function inputLooks(node: GraphNode, inputs: readonly string[]): Record<string, HandleLook> {
  return Object.fromEntries(inputs.map((input) => [input, look(inputType(node, input))]));
}

interface DraggedConnection {
  source: string | null;
  target: string | null;
  targetHandle?: string | null;
}

/** Why this connection may not be made, in a few words; null when it may. */
export function connectionProblem(graph: Pick<FlowGraph, 'nodes'>, connection: DraggedConnection): string | null {
  const { source, target, targetHandle } = connection;
  if (!source || !target) return null;
  if (source === target) return 'A step cannot feed its own input';
  if (!targetHandle) return 'Drop the connection on an input, on the left side of a step';
  return connectionRefusal(graph, source, target, targetHandle);
}
