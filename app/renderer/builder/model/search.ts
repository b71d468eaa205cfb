import { nodeKind } from '../../../core/flow-document/node-kinds.js';

interface SearchableNode {
  id: string;
  kind: string;
  name: string;
  fields: Record<string, unknown>;
}

function textOf(value: unknown): string {
  if (value === undefined || value === null) return '';
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/**
 * The nodes a query finds, best first: by id or name, then by kind, then by a field's value (a
 * URL, a SQL statement). Case does not matter; an empty query finds nothing.
 */
export function searchNodes(nodes: readonly SearchableNode[], query: string): string[] {
  const needle = query.trim().toLowerCase();
  if (needle === '') return [];
  const scored: { id: string; score: number; index: number }[] = [];
  nodes.forEach((node, index) => {
    const kindLabel = nodeKind(node.kind)?.label ?? node.kind;
    let score = 0;
    if (node.id.toLowerCase() === needle || node.name.toLowerCase() === needle) score = 4;
    else if (node.id.toLowerCase().includes(needle) || node.name.toLowerCase().includes(needle)) score = 3;
    else if (kindLabel.toLowerCase().includes(needle) || node.kind.toLowerCase().includes(needle)) score = 2;
    else if (Object.values(node.fields).some((value) => textOf(value).toLowerCase().includes(needle))) score = 1;
    if (score > 0) scored.push({ id: node.id, score, index });
  });
  return scored.sort((a, b) => b.score - a.score || a.index - b.index).map((hit) => hit.id);
}
