/** The small pieces step code is written with: line layout, references, literals, task options. */
import type { GraphNode, InputBinding } from './graph.js';
import { NODE_OPTION_NAMES } from './graph.js';
import type { NodeKind } from './node-kinds.js';
import { fieldSpec } from './node-kinds.js';
import { indentCode, isIdentifierName, quoteString, renderLiteral } from './syntax.js';

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
  // eslint-disable-next-line @typescript-eslint/no-base-to-string -- a code field holds its code as text
  return spec?.control === 'code' ? String(value) : renderLiteral(value);
}

/** The entries of a task's options object: its name, the known options, then the rest as written. */
export function optionEntries(node: GraphNode): string[] {
  const entries = [`name: ${quoteString(node.name)}`];
  const options = node.options as Record<string, unknown>;
  for (const key of NODE_OPTION_NAMES) if (options[key] !== undefined) entries.push(`${key}: ${renderLiteral(options[key])}`);
  return [...entries, ...(node.extraOptions ?? [])];
}
