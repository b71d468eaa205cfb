/** Replacing the function a step carries (a task's body, a child flow), leaving the rest as written. */
import { EditError } from './edit-args.js';
import { parseFlowModule } from './parse.js';
import { indentCode } from './syntax.js';

/**
 * Where a node's code is written in its declaration, and at what indent: the graph holds it
 * dedented, so a function on lines of its own is found by indenting it as each line is.
 */
function locate(declaration: string, code: string): { at: number; indent: string } | undefined {
  const indents = new Set(['', ...(declaration.match(/^[ \t]+/gm) ?? [])]);
  for (const indent of indents) {
    const at = declaration.indexOf(indentCode(code, indent));
    if (at >= 0) return { at, indent };
  }
  return undefined;
}

export function setCode(source: string, id: string, code: string): string {
  const node = parseFlowModule(source).graph.nodes.find((n) => n.id === id);
  if (!node || node.code === undefined) throw new EditError(`There is no node '${id}' with code in the flow`, id);
  const found = locate(source.slice(node.span.start, node.span.end), node.code);
  if (!found) throw new EditError(`The code of '${id}' could not be found in its declaration`, id);
  const start = node.span.start + found.at;
  const next = source.slice(0, start) + indentCode(code, found.indent) + source.slice(start + indentCode(node.code, found.indent).length);
  // Code that swallows the step or breaks the module around it is refused rather than written.
  const check = parseFlowModule(next);
  if (!check.graph.nodes.some((n) => n.id === id) || check.problems.some((p) => p.severity === 'error' && p.span && !p.nodeId)) {
    throw new EditError(`The code given for '${id}' does not fit in the flow`, id);
  }
  return next;
}
