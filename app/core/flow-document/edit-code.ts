/** Replacing the function a step carries (a task's body, a child flow), leaving the rest as written. */
import { EditError } from './edit-args.js';
import { parseFlowModule } from './parse.js';

export function setCode(source: string, id: string, code: string): string {
  const node = parseFlowModule(source).graph.nodes.find((n) => n.id === id);
  if (!node || node.code === undefined) throw new EditError(`There is no node '${id}' with code in the flow`, id);
  const declaration = source.slice(node.span.start, node.span.end);
  const at = declaration.indexOf(node.code);
  if (at < 0) throw new EditError(`The code of '${id}' could not be found in its declaration`, id);
  const start = node.span.start + at;
  const next = source.slice(0, start) + code + source.slice(start + node.code.length);
  // Code that swallows the step or breaks the module around it is refused rather than written.
  const check = parseFlowModule(next);
  if (!check.graph.nodes.some((n) => n.id === id) || check.problems.some((p) => p.severity === 'error' && p.span && !p.nodeId)) {
    throw new EditError(`The code given for '${id}' does not fit in the flow`, id);
  }
  return next;
}
