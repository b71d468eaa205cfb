/**
 * What a step's arguments say: literals become fields, references to other steps' results and to
 * flow parameters become inputs and edges, and any other code is kept as written.
 */
import ts from 'typescript';
import { readCredential } from './credentials.js';
import { edgeId, type GraphEdge, type GraphNode, type InputBinding } from './graph.js';
import type { NodeKind } from './node-kinds.js';
import { argumentStyle, positionNames } from './inputs.js';
import type { ArgsSite, ParamStyle, SlotSite } from './sites.js';
import { propertyNameText, readLiteral, skipParens, valueIdentifiers } from './syntax.js';

export interface StepArguments {
  node: GraphNode;
  kind: NodeKind;
  slots: readonly SlotSite[];
}

interface BindingContext {
  /** Result variable to the node it holds the result of. */
  outputs: ReadonlyMap<string, string>;
  params: ParamStyle | undefined;
  /** The code of an expression as the graph keeps it. */
  code(expression: ts.Expression): string;
  /** The local name an SDK export has in the module ('' when it is not imported). */
  sdkLocal(name: string): string;
}

/** The arguments of a step's call, named: by property, by the registry's positions, or by its function's parameters. */
export function argumentSlots(kind: NodeKind, call: ts.CallExpression, code: string | undefined): ArgsSite | undefined {
  const args = call.arguments;
  // A subflow called with anything but one object literal is called like a function.
  const positional = kind.syntax.form === 'flow' && !(args.length === 0 || (args.length === 1 && ts.isObjectLiteralExpression(args[0])));
  const style = argumentStyle(kind, positional);
  if (!style) return undefined;
  if (style.style === 'object') {
    if (call.arguments.length === 0) return { style: 'object', call, names: [], slots: [] };
    const object = call.arguments[0];
    if (call.arguments.length !== 1 || !ts.isObjectLiteralExpression(object)) return undefined;
    const slots: SlotSite[] = [];
    for (const p of object.properties) {
      if (ts.isPropertyAssignment(p)) {
        const name = propertyNameText(p.name);
        if (name === undefined) return undefined;
        slots.push({ name, element: p, value: p.initializer });
      } else if (ts.isShorthandPropertyAssignment(p)) {
        slots.push({ name: p.name.text, element: p, value: p.name });
      } else return undefined;
    }
    return { style: 'object', call, object, names: [], slots };
  }
  const names = positionNames(kind, { code, positional });
  const slots: SlotSite[] = [];
  for (let i = 0; i < call.arguments.length; i++) {
    const arg = call.arguments[i];
    if (ts.isSpreadElement(arg)) return undefined;
    slots.push({ name: names[i] ?? `arg${i}`, element: arg, value: arg });
  }
  return { style: 'positional', call, names, slots };
}

/** `users`, `users.body`, `params.limit`, or a destructured parameter; undefined for anything else. */
function referenceOf(expression: ts.Expression, ctx: BindingContext): InputBinding | undefined {
  let e = skipParens(expression);
  const path: string[] = [];
  while (ts.isPropertyAccessExpression(e) && !e.questionDotToken && ts.isIdentifier(e.name)) {
    path.unshift(e.name.text);
    e = e.expression;
  }
  if (!ts.isIdentifier(e)) return undefined;
  const source = ctx.outputs.get(e.text);
  if (source !== undefined) return path.length > 0 ? { from: 'node', node: source, path } : { from: 'node', node: source };
  const params = ctx.params;
  if (params?.style === 'identifier' && params.name === e.text && path.length > 0) {
    const [name, ...rest] = path;
    return rest.length > 0 ? { from: 'param', name, path: rest } : { from: 'param', name };
  }
  if (params?.style === 'destructured' && params.locals.has(e.text)) {
    const name = params.locals.get(e.text)!;
    return path.length > 0 ? { from: 'param', name, path } : { from: 'param', name };
  }
  return undefined;
}

/** Fills in the fields and inputs of each step from its arguments and returns the edges between steps. */
export function resolveArguments(steps: readonly StepArguments[], ctx: BindingContext): GraphEdge[] {
  const edges: GraphEdge[] = [];
  const seen = new Set<string>();
  const addEdge = (source: string, target: string, input: string): void => {
    const id = edgeId(source, target, input);
    if (source === target || seen.has(id)) return;
    seen.add(id);
    edges.push({ id, source, target, input });
  };
  // Code that is kept as written still shows which results it reads.
  const addReferenceEdges = (expression: ts.Expression, target: string, input: string): void => {
    valueIdentifiers(expression, (identifier) => {
      const source = ctx.outputs.get(identifier.text);
      if (source !== undefined) addEdge(source, target, input);
    });
  };
  for (const { node, kind, slots } of steps) {
    for (const slot of slots) {
      // `undefined` only holds the place of an argument that is not given.
      const value = skipParens(slot.value);
      if (ts.isIdentifier(value) && value.text === 'undefined') continue;
      const spec = kind.fields.find((f) => f.name === slot.name);
      if (spec?.control === 'code') {
        node.fields[slot.name] = ctx.code(slot.value);
        addReferenceEdges(slot.value, node.id, slot.name);
        continue;
      }
      const credential = readCredential(slot.value, ctx.sdkLocal);
      if (credential) {
        node.inputs[slot.name] = credential;
        continue;
      }
      const reference = referenceOf(slot.value, ctx);
      if (reference) {
        node.inputs[slot.name] = reference;
        if (reference.from === 'node') addEdge(reference.node, node.id, slot.name);
        continue;
      }
      const literal = readLiteral(slot.value);
      if (literal.ok) {
        node.fields[slot.name] = literal.value;
        continue;
      }
      node.inputs[slot.name] = { from: 'expression', code: ctx.code(slot.value) };
      addReferenceEdges(slot.value, node.id, slot.name);
    }
  }
  return edges;
}
