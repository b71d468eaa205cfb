/** Writes the code of single steps; shared by whole-module generation and by graph edits. */
import type { GraphNode, InputBinding } from './graph.js';
import { NODE_OPTION_NAMES } from './graph.js';
import type { NodeKind } from './node-kinds.js';
import { fieldSpec } from './node-kinds.js';
import { argumentStyle, inputNames, positionNames } from './inputs.js';
import { indentCode, isIdentifierName, propertyKey, quoteString, renderLiteral } from './syntax.js';

/** Lines longer than this are broken up, one property per line. */
export const MAX_LINE = 120;
export const INDENT = '  ';

export interface WriteContext {
  /** The local name a function imported from `flowdeck` (sdk) or `flowdeck/tasks` (tasks) has in the module. */
  local(module: 'sdk' | 'tasks', name: string): string;
  /** How a reference reads where it is used. */
  binding(binding: InputBinding): string;
}

/** `{ a: 1, b: 2 }` when it fits on the line, otherwise one entry per line with trailing commas. */
export function writeObject(entries: readonly string[], indent: string, column: number, suffixLength: number): string {
  if (entries.length === 0) return '{}';
  const inline = `{ ${entries.join(', ')} }`;
  if (!entries.some((e) => e.includes('\n')) && column + inline.length + suffixLength <= MAX_LINE) return inline;
  const inner = indent + INDENT;
  return `{\n${entries.map((e) => `${inner}${indentCode(e, inner)},`).join('\n')}\n${indent}}`;
}

export function pathText(path: readonly string[] | undefined): string {
  return (path ?? []).map((p) => (isIdentifierName(p) ? `.${p}` : `[${quoteString(p)}]`)).join('');
}

/** The text of one argument: a binding, code as written, or a literal. */
export function slotValueText(node: GraphNode, kind: NodeKind | undefined, name: string, ctx: WriteContext): string | undefined {
  const binding = node.inputs[name];
  if (binding) return ctx.binding(binding);
  const value = node.fields[name];
  if (value === undefined) return undefined;
  const spec = kind ? fieldSpec(kind, name) : undefined;
  return spec?.control === 'code' ? String(value) : renderLiteral(value);
}

/** Argument names in the order they are written: the kind's own order first. */
export function slotOrder(node: GraphNode, kind: NodeKind): string[] {
  const names = new Set(inputNames(node, kind));
  const present = new Set([...Object.keys(node.fields), ...Object.keys(node.inputs)]);
  return [...[...names].filter((n) => present.has(n)), ...[...present].filter((n) => !names.has(n))];
}

export function objectEntry(key: string, value: string): string {
  return value === key && isIdentifierName(key) ? key : `${propertyKey(key)}: ${value}`;
}

/** The parenthesised arguments of a step's call; `column` is where the `(` is. */
export function writeArguments(node: GraphNode, kind: NodeKind, ctx: WriteContext, indent: string, column: number, suffixLength: number): string {
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

/** The entries of a task's options object: its name, the known options, then the rest as written. */
export function optionEntries(node: GraphNode): string[] {
  const entries = [`name: ${quoteString(node.name)}`];
  const options = node.options as Record<string, unknown>;
  for (const key of NODE_OPTION_NAMES) if (options[key] !== undefined) entries.push(`${key}: ${renderLiteral(options[key])}`);
  return [...entries, ...(node.extraOptions ?? [])];
}

/** The module-level declaration of a step, or undefined for kinds written only inside the flow. */
export function writeDeclaration(node: GraphNode, kind: NodeKind, ctx: WriteContext): string | undefined {
  const syntax = kind.syntax;
  const head = `const ${node.id} = `;
  let text: string;
  if (syntax.form === 'library') {
    const callee = `${ctx.local('tasks', syntax.fn)}.withOptions(`;
    text = `${head}${callee}${writeObject(optionEntries(node), '', head.length + callee.length, 2)});`;
  } else if (syntax.form === 'task') {
    const callee = `${ctx.local('sdk', 'task')}(`;
    const code = node.code ?? 'async () => {}';
    const entries = optionEntries(node);
    const hugged = `${head}${callee}{ ${entries.join(', ')} }, ${code}`;
    const firstLine = hugged.split('\n')[0];
    // As a formatter would: the options and function on the first line when they fit, otherwise each on its own.
    if (!entries.some((e) => e.includes('\n')) && firstLine.length + (hugged.includes('\n') ? 0 : 2) <= MAX_LINE) text = `${hugged});`;
    else text = `${head}${callee}\n${INDENT}${writeObject(entries, INDENT, INDENT.length, 1)},\n${INDENT}${indentCode(code, INDENT)},\n);`;
  } else if (syntax.form === 'flow') {
    if (node.importFrom !== undefined) text = `import ${node.id} from ${quoteString(node.importFrom)};`;
    else text = `${head}${node.code ?? `${ctx.local('sdk', 'flow')}({ name: ${quoteString(node.name)} }, async () => null)`};`;
  } else return undefined;
  return node.comment ? `${node.comment}\n${text}` : text;
}

/**
 * The expression that runs a step (`await fetchUsers({...})`, `score.map(items)`,
 * `Promise.all(list.map((item) => ingest(item)))`); `column` is where it starts on its line.
 */
export function writeCallExpression(node: GraphNode, kind: NodeKind, ctx: WriteContext, indent: string, column: number, suffixLength: number): string {
  const syntax = kind.syntax;
  const target = node.repeats ?? node.id;
  let callee = target;
  let after = '';
  if (syntax.form === 'sdkCall') callee = ctx.local('sdk', syntax.fn);
  else if (syntax.form === 'task' && syntax.call === 'map') {
    callee = `${target}.map`;
    if (!node.futures) after = '.result()';
  }
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
  if (kind.syntax.form === 'if') return `if (${indentCode(slotValueText(node, kind, 'condition', ctx) ?? 'true', indent)}) {`;
  const prefix = node.returned ? 'return ' : output ? `const ${output} = ` : '';
  return `${prefix}${writeCallExpression(node, kind, ctx, indent, indent.length + prefix.length, 1)};`;
}
