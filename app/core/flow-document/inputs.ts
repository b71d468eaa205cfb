/**
 * A node's input names, worked out in one place: what its call's arguments are called, which of
 * them it takes, and which the canvas shows as handles.
 */
import type { GraphNode } from './graph.js';
import { fieldSpec, nodeKind, type ArgumentStyle, type NodeKind } from './node-kinds.js';
import { shapeOf } from './shapes/index.js';
import type { CodeParameter } from './syntax.js';

/** What of a node its inputs follow from besides its kind: its code, and whether a subflow is called like a function. */
interface InputsOf {
  readonly code?: string;
  readonly positional?: boolean;
}

/**
 * How a kind's call arguments are written: its function's parameters ('code') or per the registry.
 * A subflow takes one object, or, when called like a function (`positional`), its function's parameters.
 */
export function argumentStyle(kind: NodeKind, positional?: boolean): ArgumentStyle | { style: 'code' } | undefined {
  return shapeOf(kind).read.argumentStyle(positional);
}

/** The parameters a step's positional arguments go to: its own function's, or its child flow's. */
export function codeParameters(kind: NodeKind, code: string | undefined): CodeParameter[] {
  return shapeOf(kind).read.codeParameters(code ?? '') ?? [];
}

/** The name of each argument by its position, for a step not called with one object. */
export function positionNames(kind: NodeKind, node: InputsOf): string[] {
  const style = argumentStyle(kind, node.positional);
  return style?.style === 'positional' ? [...style.names] : codeParameters(kind, node.code).map((p) => p.name);
}

/** Every input a node's kind and code name, in the order its call writes them: by position first, then the kind's fields. */
export function inputNames(node: InputsOf, kind: NodeKind): string[] {
  const names = new Set<string>();
  const style = argumentStyle(kind, node.positional)?.style;
  if (style === 'positional' || style === 'code') for (const name of positionNames(kind, node)) names.add(name);
  for (const f of kind.fields) names.add(f.name);
  return [...names];
}

/** Whether a node takes an input of this name: a name it declares, an extra argument of its function, any name for a subflow. */
export function takesInput(node: InputsOf, kind: NodeKind, name: string): boolean {
  return kind.openFields === true || inputNames(node, kind).includes(name) || (kind.parametersFromCode === true && /^arg\d+$/.test(name));
}

/**
 * The inputs a node shows as handles: its kind's inputs, its function's parameters for kinds that
 * carry code, and any argument the code already feeds from elsewhere.
 */
export function nodeInputs(node: GraphNode): string[] {
  const kind = nodeKind(node.kind);
  const names: string[] = [];
  if (kind) {
    for (const name of inputNames(node, kind)) {
      const spec = fieldSpec(kind, name);
      if (spec ? spec.input : kind.parametersFromCode) names.push(name);
    }
    if (kind.openFields) names.push(...Object.keys(node.fields));
  }
  names.push(...Object.keys(node.inputs));
  return [...new Set(names)];
}
