/** Names: node ids, result variables and branch ids, readable and never clashing. */
import type { FlowGraph } from './graph.js';
import { NODE_KINDS, SDK_EXPORTS } from './node-kinds.js';
import { shapeOf } from './shapes/index.js';
import { isVariableName } from './syntax.js';

/** Splits `fetchUsers`, `fetch-users`, `fetch users` into `['fetch', 'users']`. */
function words(text: string): string[] {
  return text
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((w) => w.toLowerCase());
}

function camelCase(text: string): string {
  const parts = words(text);
  const joined = parts.map((w, i) => (i === 0 ? w : w[0].toUpperCase() + w.slice(1))).join('');
  return /^[0-9]/.test(joined) ? `n${joined}` : joined;
}

export function kebabCase(text: string): string {
  return words(text).join('-');
}

/** Every name a new identifier must not take in this graph's module. */
export function takenNames(graph: FlowGraph): Set<string> {
  const taken = new Set<string>(['params', ...SDK_EXPORTS]);
  // What a step's shape imports (`task`, `flow` and the SDK's names besides) is taken too.
  for (const kind of NODE_KINDS) {
    const imported = shapeOf(kind).write.imports;
    if (imported) taken.add(imported.name);
  }
  for (const node of graph.nodes) {
    taken.add(node.id);
    if (node.output) taken.add(node.output);
  }
  for (const p of graph.parameters) taken.add(p.name);
  if (graph.flowVariable) taken.add(graph.flowVariable);
  return taken;
}

export function uniqueName(base: string, taken: ReadonlySet<string>): string {
  let candidate = isVariableName(base) ? base : `${base}Step`;
  if (!isVariableName(candidate)) candidate = 'step';
  if (!taken.has(candidate)) return candidate;
  for (let n = 2; ; n++) if (!taken.has(`${candidate}${n}`)) return `${candidate}${n}`;
}

/** A node id based on `base` (an id, a name or a label) that no node, result or import of the graph uses. */
export function uniqueNodeId(graph: FlowGraph, base: string): string {
  return uniqueName(camelCase(base) || 'step', takenNames(graph));
}

/** A result variable for a node: `fetchUsers` gives `users`, falling back to `fetchUsersResult`. */
export function defaultOutputName(id: string, taken: ReadonlySet<string>): string {
  const parts = words(id);
  if (parts.length >= 2) {
    const rest = camelCase(parts.slice(1).join(' '));
    if (isVariableName(rest) && !taken.has(rest)) return rest;
  }
  return uniqueName(`${id}Result`, taken);
}

/** A branch's id comes from its condition: `if (cleaned.length > 0)` is `ifCleanedLength`. */
export function branchIdBase(condition: string): string {
  const parts = (condition.match(/[A-Za-z_$][A-Za-z0-9_$]*/g) ?? [])
    .filter((w) => w !== 'params')
    .flatMap(words)
    .slice(0, 3);
  if (parts.length === 0) return 'branch';
  return `if${parts.map((w) => w[0].toUpperCase() + w.slice(1)).join('')}`;
}
