/** Writes the code of single steps; shared by whole-module generation and by graph edits. */
import type { GraphNode } from './graph.js';
import { argumentStyle, inputNames, positionNames } from './inputs.js';
import type { NodeKind } from './node-kinds.js';
import { shapeOf } from './shapes/index.js';
import { indentCode, isIdentifierName, propertyKey } from './syntax.js';
import { slotValueText, writeObject, type WriteContext } from './write-parts.js';

/** Argument names in the order they are written: the kind's own order first. */
function slotOrder(node: GraphNode, kind: NodeKind): string[] {
  const names = new Set(inputNames(node, kind));
  const present = new Set([...Object.keys(node.fields), ...Object.keys(node.inputs)]);
  return [...[...names].filter((n) => present.has(n)), ...[...present].filter((n) => !names.has(n))];
}

export function objectEntry(key: string, value: string): string {
  return value === key && isIdentifierName(key) ? key : `${propertyKey(key)}: ${value}`;
}

/** The parenthesised arguments of a step's call; `column` is where the `(` is. */
function writeArguments(node: GraphNode, kind: NodeKind, ctx: WriteContext, indent: string, column: number, suffixLength: number): string {
  const style = argumentStyle(kind, node.positional);
  const order = slotOrder(node, kind);
  if (style?.style === 'object') {
    const entries: string[] = [];
    for (const name of order) {
      const value = slotValueText(node, kind, name, ctx);
      if (value !== undefined) entries.push(objectEntry(name, value));
    }
    return entries.length === 0 ? '()' : `(${writeObject(entries, indent, column + 1, suffixLength + 1)})`;
  }
  const positions = positionNames(kind, node);
  const byPosition: (string | undefined)[] = [];
  for (const name of order) {
    const value = slotValueText(node, kind, name, ctx);
    if (value === undefined) continue;
    const match = /^arg(\d+)$/.exec(name);
    let index = positions.indexOf(name);
    if (index < 0 && match) index = Number(match[1]);
    if (index < 0) index = Math.max(positions.length, byPosition.length);
    byPosition[index] = value;
  }
  return `(${Array.from(byPosition, (v) => (v === undefined ? 'undefined' : indentCode(v, indent))).join(', ')})`;
}

/** The module-level declaration of a step, or undefined for kinds written only inside the flow. */
export function writeDeclaration(node: GraphNode, kind: NodeKind, ctx: WriteContext): string | undefined {
  const text = shapeOf(kind).write.declaration?.(node, ctx);
  if (text === undefined) return undefined;
  return node.comment ? `${node.comment}\n${text}` : text;
}

/**
 * The expression that runs a step (`await fetchUsers({...})`, `score.map(items)`,
 * `Promise.all(list.map((item) => ingest(item)))`); `column` is where it starts on its line.
 */
export function writeCallExpression(
  node: GraphNode,
  kind: NodeKind,
  ctx: WriteContext,
  indent: string,
  column: number,
  suffixLength: number,
): string {
  const { callee, after: own } = shapeOf(kind).write.callee(node, ctx);
  let after = own;
  // A returned call is not awaited, and neither are a map's futures kept as they are.
  let before = node.returned || node.futures ? '' : 'await ';
  if (node.each) {
    before += `Promise.all(${indentCode(node.each.list, indent)}.map((${node.each.item}) => `;
    after += '))';
  }
  const args = writeArguments(node, kind, ctx, indent, column + before.length + callee.length, after.length + suffixLength);
  return `${before}${callee}${args}${after}`;
}

/** The statement that runs a step inside the flow (for a branch, its first line, `if (...) {`). */
export function writeCallStatement(node: GraphNode, kind: NodeKind, ctx: WriteContext, indent: string, output: string | undefined): string {
  const statement = shapeOf(kind).write.statement;
  if (statement) return statement(node, kind, ctx, indent);
  const prefix = node.returned ? 'return ' : output ? `const ${output} = ` : '';
  return `${prefix}${writeCallExpression(node, kind, ctx, indent, indent.length + prefix.length, 1)};`;
}
