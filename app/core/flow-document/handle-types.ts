/**
 * Which results may feed which inputs. A step's result and each of its inputs have a type, from
 * the node-kind registry or, for steps that carry code, from the annotations of their function;
 * a connection is allowed only where the result's type fits the input's. What is not known is
 * 'any' and fits everything, so the rule only ever refuses what would surely be wrong.
 */
import ts from 'typescript';
import type { FlowGraph, GraphNode } from './graph.js';
import { fieldSpec, nodeKind, type FieldControl, type FieldSpec, type NodeKind, type ValueType } from './node-kinds.js';
import { createSource, skipParens } from './syntax.js';

/** The concrete types a value may have; 'any' when nothing is known. */
export type HandleType = 'any' | readonly Exclude<ValueType, 'any'>[];

/** What a result is: its type, the types of its known properties, or nothing at all. */
type ResultShape = { readonly type: HandleType; readonly properties?: Readonly<Record<string, ValueType>> } | 'none';

const ANY: HandleType = 'any';

function typeOf(value: ValueType): HandleType {
  return value === 'any' ? ANY : [value];
}

/** The name a handle's colour and a person's hint use: 'string', 'list', 'any', 'string | number'. */
export function handleTypeName(type: HandleType): string {
  return type === 'any' ? 'any' : type.join(' | ');
}

const SPOKEN: Record<Exclude<ValueType, 'any'>, string> = {
  string: 'text',
  number: 'a number',
  boolean: 'true or false',
  list: 'a list',
  object: 'an object',
};

function spoken(type: HandleType): string {
  return type === 'any' ? 'anything' : type.map((t) => SPOKEN[t]).join(' or ');
}

function union(types: readonly HandleType[]): HandleType {
  const all = new Set<Exclude<ValueType, 'any'>>();
  for (const t of types) {
    if (t === 'any') return ANY;
    for (const one of t) all.add(one);
  }
  return all.size === 0 ? ANY : [...all];
}

/** Whether a result of type `from` may feed an input of type `to`: every type it may have is taken. */
export function fits(from: HandleType, to: HandleType): boolean {
  if (from === 'any' || to === 'any') return true;
  return from.every((t) => to.includes(t));
}

const REFERENCES: Record<string, HandleType> = {
  Array: ['list'],
  ReadonlyArray: ['list'],
  Record: ['object'],
  Map: ['object'],
  Object: ['object'],
  String: ['string'],
  Number: ['number'],
  Boolean: ['boolean'],
};

/** The type a TypeScript annotation says, as far as handles care; null, undefined and void say nothing. */
function annotationType(node: ts.TypeNode | undefined): HandleType {
  if (!node) return ANY;
  switch (node.kind) {
    case ts.SyntaxKind.StringKeyword:
    case ts.SyntaxKind.TemplateLiteralType:
      return ['string'];
    case ts.SyntaxKind.NumberKeyword:
    case ts.SyntaxKind.BigIntKeyword:
      return ['number'];
    case ts.SyntaxKind.BooleanKeyword:
      return ['boolean'];
    case ts.SyntaxKind.ObjectKeyword:
    case ts.SyntaxKind.TypeLiteral:
    case ts.SyntaxKind.MappedType:
      return ['object'];
    case ts.SyntaxKind.ArrayType:
    case ts.SyntaxKind.TupleType:
      return ['list'];
  }
  if (ts.isParenthesizedTypeNode(node)) return annotationType(node.type);
  if (ts.isTypeOperatorNode(node) && node.operator === ts.SyntaxKind.ReadonlyKeyword) return annotationType(node.type);
  if (ts.isLiteralTypeNode(node)) {
    const literal = node.literal;
    if (ts.isStringLiteral(literal) || ts.isNoSubstitutionTemplateLiteral(literal)) return ['string'];
    if (ts.isNumericLiteral(literal) || ts.isBigIntLiteral(literal) || ts.isPrefixUnaryExpression(literal)) return ['number'];
    if (literal.kind === ts.SyntaxKind.TrueKeyword || literal.kind === ts.SyntaxKind.FalseKeyword) return ['boolean'];
    return ANY;
  }
  if (ts.isUnionTypeNode(node)) {
    const members = node.types.filter((t) => !isNothing(t));
    return members.length === 0 ? ANY : union(members.map(annotationType));
  }
  if (ts.isTypeReferenceNode(node) && ts.isIdentifier(node.typeName)) {
    const name = node.typeName.text;
    if (name === 'Promise' || name === 'PromiseLike') return annotationType(node.typeArguments?.[0]);
    return REFERENCES[name] ?? ANY;
  }
  return ANY;
}

function isNothing(node: ts.TypeNode): boolean {
  if (node.kind === ts.SyntaxKind.UndefinedKeyword || node.kind === ts.SyntaxKind.VoidKeyword) return true;
  return ts.isLiteralTypeNode(node) && node.literal.kind === ts.SyntaxKind.NullKeyword;
}

interface Signature {
  parameters: Map<string, HandleType>;
  returns: HandleType;
}

const signatureCache = new Map<string, Signature | null>();

/** The parameter and return types a function's annotations give; a child flow's is its second argument's. */
function signatureOf(code: string): Signature | null {
  const cached = signatureCache.get(code);
  if (cached !== undefined) return cached;
  let result: Signature | null = null;
  const statement = createSource(`(${code});`).statements[0];
  if (statement && ts.isExpressionStatement(statement)) {
    let fn: ts.Expression = skipParens(statement.expression);
    if (ts.isCallExpression(fn) && fn.arguments.length > 0) fn = skipParens(fn.arguments[fn.arguments.length - 1]);
    if (ts.isArrowFunction(fn) || ts.isFunctionExpression(fn)) {
      const parameters = new Map<string, HandleType>();
      fn.parameters.forEach((p, i) =>
        parameters.set(ts.isIdentifier(p.name) ? p.name.text : `arg${i}`, p.dotDotDotToken ? ANY : annotationType(p.type)),
      );
      result = { parameters, returns: annotationType(fn.type) };
    }
  }
  if (signatureCache.size > 2000) signatureCache.clear();
  signatureCache.set(code, result);
  return result;
}

const BY_CONTROL: Record<FieldControl, HandleType> = {
  text: ['string'],
  multiline: ['string'],
  number: ['number'],
  boolean: ['boolean'],
  select: ['string'],
  list: ['list'],
  keyValue: ['object'],
  json: ANY,
  code: ANY,
};

function fieldType(spec: FieldSpec): HandleType {
  return spec.accepts ? typeOf(spec.accepts) : BY_CONTROL[spec.control];
}

/** What a node's result is. */
function resultShape(node: GraphNode): ResultShape {
  const kind = nodeKind(node.kind);
  if (!kind) return { type: ANY };
  if (kind.result === 'none') return 'none';
  if (kind.result) {
    const declared = typeof kind.result === 'function' ? kind.result(node.fields) : kind.result;
    return { type: typeOf(declared.type), ...(declared.properties ? { properties: declared.properties } : {}) };
  }
  const returns = node.code !== undefined ? (signatureOf(node.code)?.returns ?? ANY) : ANY;
  // A mapped task gives a list of what each run returns.
  if (kind.syntax.form === 'task' && kind.syntax.call === 'map') return { type: ['list'] };
  return { type: returns };
}

/** The type of a node's result, or of one property of it (`users.body`). */
export function resultType(node: GraphNode, path?: readonly string[]): HandleType | 'none' {
  const shape = resultShape(node);
  if (shape === 'none') return 'none';
  if (!path || path.length === 0) return shape.type;
  if (path.length === 1 && path[0] === 'length' && shape.type !== 'any' && shape.type.every((t) => t === 'list' || t === 'string')) return ['number'];
  const property = path.length === 1 ? shape.properties?.[path[0]] : undefined;
  return property ? typeOf(property) : ANY;
}

function mapped(kind: NodeKind, type: HandleType): HandleType {
  // map() runs once per item of a list and passes anything else to every run.
  return kind.syntax.form === 'task' && kind.syntax.call === 'map' ? union([type, ['list']]) : type;
}

/** What an input of a node takes. */
export function inputType(node: GraphNode, input: string): HandleType {
  const kind = nodeKind(node.kind);
  if (!kind) return ANY;
  const spec = fieldSpec(kind, input);
  if (spec) return fieldType(spec);
  if (kind.parametersFromCode && node.code !== undefined) return mapped(kind, signatureOf(node.code)?.parameters.get(input) ?? ANY);
  return ANY;
}

/**
 * Why `source`'s result may not feed `target`'s `input`, in a few words, or null when it may.
 * Nodes the graph does not hold are left to the other checks.
 */
export function connectionRefusal(
  graph: Pick<FlowGraph, 'nodes'>,
  source: string,
  target: string,
  input: string,
  path?: readonly string[],
): string | null {
  const from = graph.nodes.find((n) => n.id === source);
  const to = graph.nodes.find((n) => n.id === target);
  if (!from || !to) return null;
  const given = resultType(from, path);
  const what = `'${source}${path?.length ? `.${path.join('.')}` : ''}'`;
  if (given === 'none') return `${what} is a ${nodeKind(from.kind)?.label.toLowerCase() ?? from.kind} and has no result to connect`;
  const taken = inputType(to, input);
  if (fits(given, taken)) return null;
  return `${what} gives ${spoken(given)}, but '${input}' of '${target}' takes ${spoken(taken)}`;
}
