/** Connecting one step's result to another's input: a result variable, the right order, then the argument. */
import ts from 'typescript';
import { defaultOutputName } from './ids.js';
import type { ModuleAnalysis } from './sites.js';
import { analyzeForEdit, EditError, siteOf, writeSlot } from './edit-args.js';
import { declaredNames, flowTaken } from './edit-context.js';
import { connectionRefusal } from './handle-types.js';
import { applySplices, ownsLines } from './splice.js';
import { attachedCommentsStart, isVariableName, lineEndOf, lineStartOf, trailingCommentsEnd, valueIdentifiers } from './syntax.js';
import { pathText } from './write-parts.js';

/** Gives a step a result variable if it has none, so others can read it. */
function ensureOutput(source: string, id: string): { source: string; output: string } {
  const analysis = analyzeForEdit(source);
  const site = siteOf(analysis, id);
  if (site.call?.ifStatement) throw new EditError(`'${id}' is a branch and has no result to connect`, id);
  if (!site.call) throw new EditError(`'${id}' is not called as a step of the flow, so it has no result to connect`, id);
  if (site.call.output) return { source, output: site.call.output.text };
  const statement = site.call.statement;
  if (site.node.returned)
    throw new EditError(`'${id}' is what the flow returns; store its result in a variable in the code to use it in another step`, id);
  if (!ts.isExpressionStatement(statement)) throw new EditError(`'${id}' has no result variable and one cannot be added`, id);
  const output = defaultOutputName(id, flowTaken(analysis));
  const at = statement.getStart();
  return { source: applySplices(source, [{ start: at, end: at, text: `const ${output} = ` }]), output };
}

function referencedNames(statement: ts.Statement): Set<string> {
  const names = new Set<string>();
  valueIdentifiers(statement, (i) => names.add(i.text));
  return names;
}

function moveStatement(source: string, statement: ts.Statement, anchor: ts.Statement, where: 'before' | 'after'): string {
  if (!ownsLines(source, statement) || !ownsLines(source, anchor)) {
    throw new EditError('The steps share a line with other code; put them on lines of their own to reorder them');
  }
  const start = lineStartOf(source, attachedCommentsStart(source, statement) ?? statement.getStart());
  const end = Math.min(lineEndOf(source, trailingCommentsEnd(source, statement.end)) + 1, source.length);
  let moved = source.slice(start, end);
  if (!moved.endsWith('\n')) moved += '\n';
  const at =
    where === 'before'
      ? lineStartOf(source, attachedCommentsStart(source, anchor) ?? anchor.getStart())
      : Math.min(lineEndOf(source, trailingCommentsEnd(source, anchor.end)) + 1, source.length);
  const prefix = where === 'after' && at === source.length && !source.endsWith('\n') ? '\n' : '';
  return applySplices(source, [
    { start, end, text: '' },
    { start: at, end: at, text: prefix + moved },
  ]);
}

/**
 * Makes sure `sourceId` runs before `targetId` and its result is visible there, moving one of the
 * two statements when needed and possible.
 */
function ensureOrder(source: string, sourceId: string, targetId: string): string {
  const analysis = analyzeForEdit(source);
  const sourceCall = siteOf(analysis, sourceId).call?.statement;
  const t = siteOf(analysis, targetId).call?.statement;
  if (!sourceCall || !t) throw new EditError(`'${!sourceCall ? sourceId : targetId}' is not called as a step of the flow`);
  // A flow written as one returned expression has no statements to order.
  if (!ts.isStatement(sourceCall))
    throw new EditError(`'${sourceId}' is what the flow returns, so its result cannot be used by another step`, sourceId);
  const s = sourceCall;
  const blockOf = (n: ts.Node): ts.Block | undefined => {
    for (let p = n.parent; p; p = p.parent) if (ts.isBlock(p)) return p;
    return undefined;
  };
  const block = blockOf(s);
  if (!block) throw new EditError(`'${sourceId}' is not inside the flow's body`, sourceId);
  // The target, or the statement around it in the source's block.
  let around: ts.Node | undefined = t;
  while (around && around.parent !== block) around = around.parent;
  if (!around) {
    throw new EditError(`'${sourceId}' runs inside a branch that '${targetId}' is not in, so its result cannot be used there`, sourceId);
  }
  const targetStatement = around as ts.Statement;
  if (s.end <= targetStatement.getStart()) return source;
  const statements = block.statements;
  const si = statements.indexOf(s);
  const ti = statements.indexOf(targetStatement);
  const targetNames = declaredNames(targetStatement);
  if (![...statements.slice(ti + 1, si + 1)].some((st) => [...referencedNames(st)].some((n) => targetNames.has(n)))) {
    return moveStatement(source, targetStatement, s, 'after');
  }
  const needed = referencedNames(s);
  if (!statements.slice(ti, si).some((st) => [...declaredNames(st)].some((n) => needed.has(n)))) {
    return moveStatement(source, s, targetStatement, 'before');
  }
  throw new EditError(`'${sourceId}' runs after '${targetId}' and the steps between depend on them; reorder them in the code first`);
}

/** Whether `from` reaches `to` along data edges and from a branch into its arms. */
function reaches(analysis: ModuleAnalysis, from: string, to: string): boolean {
  const next = new Map<string, string[]>();
  const add = (a: string, b: string) => next.set(a, [...(next.get(a) ?? []), b]);
  for (const e of analysis.graph.edges) add(e.source, e.target);
  for (const n of analysis.graph.nodes) if (n.scope) add(n.scope.branch, n.id);
  const seen = new Set<string>();
  const stack = [from];
  while (stack.length > 0) {
    const id = stack.pop()!;
    if (id === to) return true;
    if (seen.has(id)) continue;
    seen.add(id);
    stack.push(...(next.get(id) ?? []));
  }
  return false;
}

export function connectSlot(source: string, sourceId: string, path: readonly string[] | undefined, targetId: string, input: string): string {
  const analysis = analyzeForEdit(source);
  siteOf(analysis, targetId);
  siteOf(analysis, sourceId);
  if (sourceId === targetId || reaches(analysis, targetId, sourceId)) {
    throw new EditError(`Connecting '${sourceId}' to '${targetId}' would make a cycle`, targetId);
  }
  const refused = connectionRefusal(analysis.graph, sourceId, targetId, input, path);
  if (refused) throw new EditError(refused, targetId);
  for (const p of path ?? [])
    if (!isVariableName(p) && !/^[A-Za-z_$][\w$]*$/.test(p)) throw new EditError(`'${p}' is not a property name that can be read`);
  const withOutput = ensureOutput(source, sourceId);
  const ordered = ensureOrder(withOutput.source, sourceId, targetId);
  return writeSlot(ordered, targetId, input, `${withOutput.output}${pathText(path)}`);
}
