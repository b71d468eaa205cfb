/** Edits that add, remove or rename whole steps, or change the flow's parameters, as splices of the module. */
import ts from 'typescript';
import type { FlowParameter, GraphNode, NodeScope } from './graph.js';
import { kebabCase, uniqueName } from './ids.js';
import { ensureImport, pruneImports } from './imports.js';
import { nodeKind, SDK_MODULE, TASKS_MODULE, type NodeKind } from './node-kinds.js';
import { shapeOf } from './shapes/index.js';
import type { ModuleAnalysis } from './sites.js';
import { analyzeForEdit, EditError, siteOf, writeOption } from './edit-args.js';
import { allTaken, checkNewId, writeContext } from './edit-context.js';
import { appendToBlock, applySplices, blockIndent, insertAfter, insertBefore, statementRange, type Splice } from './splice.js';
import { indentAt, isValuePosition, propertyKey, quoteString } from './syntax.js';
import { writeCallStatement, writeDeclaration } from './write.js';

/** The module's own imports for what a new step of `kind` needs. */
function importsFor(source: string, kind: NodeKind): string {
  const imported = shapeOf(kind).write.imports;
  if (!imported) return source;
  return ensureImport(source, imported.module === 'tasks' ? TASKS_MODULE : SDK_MODULE, imported.name);
}

interface AddNodeRequest {
  kind: string;
  id?: string;
  name?: string;
  fields?: Record<string, unknown>;
  after?: string;
  scope?: NodeScope;
}

function lastDeclaration(analysis: ModuleAnalysis): ts.Statement | undefined {
  const flowStart = analysis.flow?.statement.getStart() ?? Infinity;
  let last: ts.Statement | undefined;
  for (const site of analysis.sites.values()) {
    const statement = site.declaration?.statement;
    if (!statement || ts.isImportDeclaration(statement) || statement.getStart() > flowStart) continue;
    if (!last || statement.getStart() > last.getStart()) last = statement;
  }
  return last;
}

export function addNode(source: string, request: AddNodeRequest, fieldText: (kind: NodeKind, name: string, value: unknown) => string): string {
  const analysis = analyzeForEdit(source);
  const kind = nodeKind(request.kind);
  if (!kind) throw new EditError(`There is no node kind '${request.kind}'`);
  const flow = analysis.flow;
  if (!flow?.fn) throw new EditError('There is no inline default-exported flow to add a step to');
  let id: string;
  if (request.id !== undefined) {
    checkNewId(analysis, request.id);
    id = request.id;
  } else id = uniqueName(kind.defaultId, allTaken(analysis));
  const name = request.name ?? kebabCase(id);
  // The new step is written by the same writers as whole modules; its fields go in as the code
  // the registry's rules make of them (code fields as they are, everything else as literals).
  const node: GraphNode = {
    id,
    kind: kind.id,
    name,
    fields: {},
    options: {},
    inputs: {},
    span: { start: 0, end: 0 },
    ...(kind.initialCode ? { code: kind.initialCode(name) } : {}),
  };
  for (const [key, value] of Object.entries({ ...kind.initialFields, ...(request.fields ?? {}) })) {
    if (value !== undefined) node.inputs[key] = { from: 'expression', code: fieldText(kind, key, value) };
  }
  const ctx = writeContext(analysis);

  const splices: Splice[] = [];
  const declaration = writeDeclaration(node, kind, ctx);
  if (declaration !== undefined) {
    const anchor = (request.after ? siteOf(analysis, request.after).declaration?.statement : undefined) ?? lastDeclaration(analysis);
    if (anchor && !ts.isImportDeclaration(anchor)) {
      const blank = declaration.includes('\n') || anchor.getText().includes('\n');
      splices.push(insertAfter(source, anchor, declaration, blank, blank));
    } else {
      splices.push(insertBefore(source, flow.statement, declaration, undefined, true));
    }
  }

  const shape = shapeOf(kind);
  const output = shape.edit.namedByResult ? id : undefined;
  const placeCall = (indent: string): string => {
    const text = writeCallStatement(node, kind, ctx, indent, output);
    return shape.edit.opensBlock ? `${text}\n${indent}}` : text;
  };
  const afterCall = request.after ? siteOf(analysis, request.after).call : undefined;
  if (request.after && !afterCall)
    throw new EditError(`'${request.after}' is not called in the flow, so nothing can be added after it`, request.after);
  if (afterCall && ts.isStatement(afterCall.statement) && !ts.isReturnStatement(afterCall.statement)) {
    splices.push(insertAfter(source, afterCall.statement, placeCall(indentAt(source, afterCall.statement.getStart()))));
  } else if (afterCall && ts.isReturnStatement(afterCall.statement)) {
    // Nothing runs after a return: the new step goes just before it.
    splices.push(insertBefore(source, afterCall.statement, placeCall(indentAt(source, afterCall.statement.getStart()))));
  } else if (request.scope) {
    const branch = siteOf(analysis, request.scope.branch).call?.ifStatement;
    if (!branch) throw new EditError(`'${request.scope.branch}' is not a branch`, request.scope.branch);
    const arm = request.scope.arm === 'then' ? branch.thenStatement : branch.elseStatement;
    const ifIndent = indentAt(source, branch.getStart());
    if (!arm) {
      const inner = `${ifIndent}  `;
      splices.push({ start: branch.thenStatement.end, end: branch.thenStatement.end, text: ` else {\n${inner}${placeCall(inner)}\n${ifIndent}}` });
    } else if (ts.isBlock(arm)) {
      splices.push(appendToBlock(source, arm, placeCall(blockIndent(source, arm))));
    } else {
      throw new EditError(
        `The ${request.scope.arm} arm of '${request.scope.branch}' is a single statement without braces; add braces in the code first`,
      );
    }
  } else if (flow.body && !afterCall) {
    const statements = flow.body.statements;
    const last = statements[statements.length - 1];
    const indent = blockIndent(source, flow.body);
    // A step added at the end still runs before the flow returns.
    if (last && ts.isReturnStatement(last)) splices.push(insertBefore(source, last, placeCall(indent)));
    else splices.push(appendToBlock(source, flow.body, placeCall(indent)));
  } else if (flow.conciseBody) {
    const base = indentAt(source, (flow.fn ?? flow.statement).getStart());
    const indent = `${base}  `;
    const expression = flow.conciseBody;
    splices.push({
      start: expression.getStart(),
      end: expression.end,
      text: `{\n${indent}${placeCall(indent)}\n${indent}return ${expression.getText()};\n${base}}`,
    });
  }
  return importsFor(applySplices(source, splices), kind);
}

/** The node and, for a branch, every node inside it. */
function withDescendants(analysis: ModuleAnalysis, id: string): Set<string> {
  const ids = new Set([id]);
  let grew = true;
  while (grew) {
    grew = false;
    for (const node of analysis.graph.nodes) {
      if (node.scope && ids.has(node.scope.branch) && !ids.has(node.id)) {
        ids.add(node.id);
        grew = true;
      }
    }
  }
  return ids;
}

export function removeNode(source: string, id: string, disconnect: (source: string, target: string, input: string) => string): string {
  let analysis = analyzeForEdit(source);
  siteOf(analysis, id);
  const removed = withDescendants(analysis, id);
  // First cut what other steps read from the nodes going away, so no dangling reference stays.
  let text = source;
  for (;;) {
    const edge = analysis.graph.edges.find((e) => removed.has(e.source) && !removed.has(e.target));
    if (!edge) break;
    const next = disconnect(text, edge.target, edge.input);
    if (next === text)
      throw new EditError(`Could not cut '${edge.target}' off from '${edge.source}'; edit its '${edge.input}' in the code`, edge.target);
    text = next;
    analysis = analyzeForEdit(text);
  }
  const splices: Splice[] = [];
  const removedStatements: ts.Node[] = [];
  for (const rid of removed) {
    const site = analysis.sites.get(rid);
    if (!site) continue;
    const call = site.call?.statement;
    // A flow written as `async () => step()` keeps an empty body rather than none.
    if (call && !ts.isStatement(call)) splices.push({ start: call.getStart(), end: call.end, text: '{}' });
    else if (call) removedStatements.push(call);
    // A task called more than once keeps its declaration while another call of it stays.
    const declaration = site.declaration?.statement;
    const sharedWith = [...analysis.sites.values()].filter(
      (other) => other.declaration?.statement === declaration && other.call && !removed.has(other.node.id),
    );
    if (declaration && sharedWith.length === 0) removedStatements.push(declaration);
  }
  for (const statement of removedStatements) {
    // Statements inside a branch that goes too are removed with it.
    let inside = false;
    for (let p = statement.parent; p; p = p.parent) if (removedStatements.includes(p)) inside = true;
    if (!inside) splices.push({ ...statementRange(text, statement, true), text: '' });
  }
  return pruneImports(source, applySplices(text, splices));
}

function isShadowed(identifier: ts.Identifier, name: string, declaration: ts.Node | undefined): boolean {
  const binds = (n: ts.BindingName): boolean => {
    if (ts.isIdentifier(n)) return n.text === name;
    return n.elements.some((e) => !ts.isOmittedExpression(e) && binds(e.name));
  };
  for (let node: ts.Node | undefined = identifier.parent; node && !ts.isSourceFile(node); node = node.parent) {
    if (ts.isFunctionLike(node) && node.parameters.some((p) => binds(p.name))) return true;
    if (ts.isCatchClause(node) && node.variableDeclaration && binds(node.variableDeclaration.name)) return true;
    if (
      (ts.isForStatement(node) || ts.isForOfStatement(node) || ts.isForInStatement(node)) &&
      node.initializer &&
      ts.isVariableDeclarationList(node.initializer)
    ) {
      if (node.initializer.declarations.some((d) => binds(d.name))) return true;
    }
    if (ts.isBlock(node)) {
      for (const s of node.statements) {
        if (s === declaration) continue;
        if (ts.isVariableStatement(s) && s.declarationList.declarations.some((d) => binds(d.name))) return true;
        if ((ts.isFunctionDeclaration(s) || ts.isClassDeclaration(s)) && s.name?.text === name) return true;
      }
    }
  }
  return false;
}

/** Renames every reference to a module-level (or flow-level) name, leaving look-alikes in other scopes alone. */
function renameIdentifier(source: string, file: ts.SourceFile, name: string, newName: string, declaration?: ts.Node): string {
  const splices: Splice[] = [];
  const walk = (node: ts.Node): void => {
    if (ts.isIdentifier(node)) {
      if (node.text !== name || !isValuePosition(node) || isShadowed(node, name, declaration)) return;
      const parent = node.parent;
      const text = parent && ts.isShorthandPropertyAssignment(parent) && parent.name === node ? `${propertyKey(name)}: ${newName}` : newName;
      splices.push({ start: node.getStart(), end: node.end, text });
      return;
    }
    ts.forEachChild(node, walk);
  };
  walk(file);
  return applySplices(source, splices);
}

export function renameNode(source: string, id: string, newId: string): string {
  const analysis = analyzeForEdit(source);
  const site = siteOf(analysis, id);
  if (site.call?.ifStatement) throw new EditError("A branch's id comes from its condition; change the condition to change it", id);
  if (newId === id) return source;
  checkNewId(analysis, newId);
  let text: string;
  // A step without a declaration of its own (a pause, a further call of a task) is named by its result variable.
  if (shapeOf(site.kind).edit.namedByResult || site.node.repeats !== undefined) {
    const call = site.call!;
    if (call.output) text = renameIdentifier(source, analysis.file, call.output.text, newId, call.statement);
    else if (!ts.isExpressionStatement(call.statement)) {
      throw new EditError(`'${id}' is what the flow returns; store its result in a variable in the code to name it`, id);
    } else text = applySplices(source, [{ start: call.statement.getStart(), end: call.statement.getStart(), text: `const ${newId} = ` }]);
  } else {
    text = renameIdentifier(source, analysis.file, id, newId);
  }
  // A name that followed the id (`fetch-users` for fetchUsers) keeps following it.
  if (site.kind.taskOptions && site.declaration && !site.node.repeats && site.node.name === kebabCase(id)) {
    text = writeOption(text, newId, 'name', quoteString(kebabCase(newId)));
  }
  return text;
}

/** Rewrites the flow's parameter list, keeping its style (`params` or destructured). */
export function setParameters(source: string, parameters: readonly FlowParameter[]): string {
  const analysis = analyzeForEdit(source);
  const fn = analysis.flow?.fn;
  if (!fn) throw new EditError('There is no inline default-exported flow');
  for (const p of parameters) if (!/^[A-Za-z_$][\w$]*$/.test(p.name)) throw new EditError(`'${p.name}' cannot name a parameter`);
  const type = `{ ${parameters.map((p) => `${propertyKey(p.name)}${p.optional ? '?' : ''}: ${p.type || 'unknown'}`).join('; ')} }`;
  const style = analysis.flow!.params;
  let text = '';
  if (parameters.length > 0) {
    if (style.style === 'destructured') text = `{ ${parameters.map((p) => p.name).join(', ')} }: ${type}`;
    else text = `${style.style === 'identifier' ? style.name : 'params'}: ${type}`;
  }
  const list = fn.parameters;
  if (source[list.pos - 1] !== '(') throw new EditError("The flow's function has no parameter list in parentheses to edit");
  return applySplices(source, [{ start: list.pos, end: list.end, text }]);
}
