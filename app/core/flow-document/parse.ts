/**
 * Code to graph. Reads a flow module's syntax tree (no type checker) and finds its steps: task
 * declarations at module level and their calls in the default-exported flow's body. Everything
 * else becomes an unparsed region, kept verbatim. The analysis also keeps where each piece sits in
 * the text, so edits can be made as small splices.
 */
import ts from 'typescript';
import { argumentSlots, resolveArguments, type StepArguments } from './bindings.js';
import {
  FLOW_ANCHOR,
  NODE_OPTION_NAMES,
  type FlowDocument,
  type FlowGraph,
  type FlowParameter,
  type GraphNode,
  type NodeOptionName,
  type NodeScope,
  type Problem,
  type RegionScope,
} from './graph.js';
import { branchIdBase, uniqueName } from './ids.js';
import { importedLocal } from './imports.js';
import { SDK_MODULE, TASKS_MODULE, type NodeKind } from './node-kinds.js';
import { SourceText, spanOf } from './regions.js';
import { kindReadAs } from './shapes/index.js';
import {
  type CallSite,
  type DeclarationSite,
  type FlowSite,
  type ImportSite,
  type ModuleAnalysis,
  type NodeSite,
  type ParamStyle,
  type SlotSite,
} from './sites.js';
import { createSource, propertyNameText, readLiteral, skipParens, syntaxErrors, trailingCommentsEnd } from './syntax.js';

/** A module-level declaration that may be a step, depending on how the flow calls it. */
type Candidate =
  | { type: 'library'; kind: NodeKind; site: DeclarationSite }
  | { type: 'task'; site: DeclarationSite; fn: ts.Expression }
  | { type: 'flow'; site: DeclarationSite; call: ts.CallExpression }
  | { type: 'flowImport'; site: DeclarationSite; from: string };

export function parseFlowModule(source: string): FlowDocument {
  const analysis = analyzeFlowModule(source);
  return { graph: analysis.graph, problems: analysis.problems };
}

export function analyzeFlowModule(source: string): ModuleAnalysis {
  return new ModuleReader(source).read();
}

class ModuleReader {
  private readonly file: ts.SourceFile;
  private readonly problems: Problem[] = [];
  private readonly sites = new Map<string, NodeSite>();
  private readonly calledNodes: GraphNode[] = [];
  private readonly ids = new Set<string>();
  private readonly candidates = new Map<string, Candidate>();
  private readonly consumedImports = new Set<ts.Statement>();
  private readonly pending: StepArguments[] = [];
  private readonly outputs = new Map<string, string>();
  private sdkImport?: ImportSite;
  private tasksImport?: ImportSite;
  /** Local name to the SDK or library function it imports. */
  private readonly sdkLocals = new Map<string, string>();
  private readonly taskLocals = new Map<string, string>();
  private flow?: FlowSite;
  private flowName = '';
  private flowVariable?: string;
  private flowOptions?: string[];
  private parameters: FlowParameter[] = [];
  private conciseStep = false;
  private readonly text: SourceText;

  constructor(private readonly source: string) {
    this.file = createSource(source);
    this.text = new SourceText(source, this.file);
  }

  read(): ModuleAnalysis {
    const errors = syntaxErrors(this.file);
    for (const d of errors) {
      this.problems.push({
        message: ts.flattenDiagnosticMessageText(d.messageText, '\n'),
        severity: 'error',
        span: { start: d.start, end: d.start + d.length },
      });
    }
    this.readImports();
    this.readDeclarations();
    this.readFlow();
    const uncalled = this.readUncalled();
    const edges = resolveArguments(this.pending, {
      outputs: this.outputs,
      params: this.flow?.params,
      code: (expression) => this.text.code(expression),
      // Only the SDK's own names count: a `Secret` of the file's own is not the one that loads secrets.
      sdkLocal: (name) => importedLocal(this.file, SDK_MODULE, name) ?? '',
    });
    this.readModuleRegions();
    const graph: FlowGraph = {
      flowName: this.flowName,
      ...(this.flowVariable ? { flowVariable: this.flowVariable } : {}),
      ...(this.flowOptions && this.flowOptions.length > 0 ? { flowOptions: this.flowOptions } : {}),
      ...(this.text.header ? { comment: this.text.header } : {}),
      ...(this.flow?.params.style === 'destructured' ? { parametersDestructured: true as const } : {}),
      ...(this.conciseStep ? { conciseBody: true as const } : {}),
      parameters: this.parameters,
      nodes: [...this.calledNodes, ...uncalled],
      edges,
      regions: this.text.regions,
    };
    return {
      source: this.source,
      file: this.file,
      graph,
      problems: this.problems,
      syntaxErrorCount: errors.length,
      sites: this.sites,
      flow: this.flow,
      sdkImport: this.sdkImport,
      tasksImport: this.tasksImport,
    };
  }

  private readImports(): void {
    for (const statement of this.file.statements) {
      if (!ts.isImportDeclaration(statement) || !ts.isStringLiteral(statement.moduleSpecifier)) continue;
      const from = statement.moduleSpecifier.text;
      const clause = statement.importClause;
      if (!clause || clause.isTypeOnly) continue;
      const named = clause.namedBindings;
      const isSdk = from === SDK_MODULE && !this.sdkImport;
      const isTasks = from === TASKS_MODULE && !this.tasksImport;
      if ((isSdk || isTasks) && !clause.name && named && ts.isNamedImports(named) && named.elements.every((e) => !e.isTypeOnly)) {
        const locals = new Map<string, string>();
        for (const element of named.elements) locals.set((element.propertyName ?? element.name).text, element.name.text);
        const site: ImportSite = { declaration: statement, named, locals };
        const reverse = isSdk ? this.sdkLocals : this.taskLocals;
        for (const [imported, local] of locals) reverse.set(local, imported);
        if (isSdk) this.sdkImport = site;
        else this.tasksImport = site;
        this.consumedImports.add(statement);
      } else if ((from.startsWith('./') || from.startsWith('../')) && clause.name && !named) {
        this.candidates.set(clause.name.text, { type: 'flowImport', site: { statement, name: clause.name }, from });
      }
    }
  }

  private isSdkCall(expression: ts.Expression, fn: string): expression is ts.CallExpression {
    return ts.isCallExpression(expression) && ts.isIdentifier(expression.expression) && this.sdkLocals.get(expression.expression.text) === fn;
  }

  private readDeclarations(): void {
    for (const statement of this.file.statements) {
      if (!ts.isVariableStatement(statement) || statement.modifiers?.length) continue;
      const list = statement.declarationList;
      if (!(list.flags & ts.NodeFlags.Const) || list.declarations.length !== 1) continue;
      const declaration = list.declarations[0];
      if (!ts.isIdentifier(declaration.name) || !declaration.initializer) continue;
      const name = declaration.name;
      const init = skipParens(declaration.initializer);
      const site: DeclarationSite = { statement, name };
      let candidate: Candidate | undefined;
      if (ts.isIdentifier(init) && this.taskLocals.has(init.text)) {
        const kind = kindReadAs('library', this.taskLocals.get(init.text));
        if (kind) candidate = { type: 'library', kind, site: { ...site, bare: init } };
      } else if (
        ts.isCallExpression(init) &&
        ts.isPropertyAccessExpression(init.expression) &&
        init.expression.name.text === 'withOptions' &&
        ts.isIdentifier(init.expression.expression) &&
        this.taskLocals.has(init.expression.expression.text)
      ) {
        const kind = kindReadAs('library', this.taskLocals.get(init.expression.expression.text));
        const [arg, ...rest] = init.arguments;
        if (kind && rest.length === 0 && (!arg || ts.isObjectLiteralExpression(arg))) {
          candidate = { type: 'library', kind, site: arg ? { ...site, options: arg } : { ...site, emptyWithOptions: init } };
        }
      } else if (this.isSdkCall(init, 'task')) {
        const args = init.arguments;
        if (args.length === 1 && !ts.isObjectLiteralExpression(args[0])) {
          candidate = { type: 'task', site: { ...site, taskCall: init }, fn: args[0] };
        } else if (args.length === 2 && ts.isObjectLiteralExpression(args[0])) {
          candidate = { type: 'task', site: { ...site, options: args[0] }, fn: args[1] };
        }
      } else if (this.isSdkCall(init, 'flow')) {
        candidate = { type: 'flow', site, call: init };
      }
      if (candidate) this.candidates.set(name.text, candidate);
    }
    for (const name of this.candidates.keys()) this.ids.add(name);
  }

  private readFlow(): void {
    let flowCall: ts.CallExpression | undefined;
    let statement: ts.Statement | undefined;
    let exportStatement: ts.Statement | undefined;
    for (const s of this.file.statements) {
      if (!ts.isExportAssignment(s) || s.isExportEquals) continue;
      const e = skipParens(s.expression);
      if (this.isSdkCall(e, 'flow')) {
        flowCall = e;
        statement = s;
      } else if (ts.isIdentifier(e)) {
        const c = this.candidates.get(e.text);
        if (c?.type === 'flow') {
          flowCall = c.call;
          statement = c.site.statement;
          exportStatement = s;
          this.flowVariable = e.text;
          this.candidates.delete(e.text);
        }
      }
      break;
    }
    if (!flowCall || !statement) {
      this.problems.push({
        message: "No default-exported flow: write `export default flow({ name: '...' }, async (params) => { ... })`",
        severity: 'error',
      });
      return;
    }
    const args = flowCall.arguments;
    const options = args.length === 2 && ts.isObjectLiteralExpression(args[0]) ? args[0] : undefined;
    const fnArg = args[args.length - 1];
    const fn = fnArg && (ts.isArrowFunction(fnArg) || ts.isFunctionExpression(fnArg)) ? fnArg : undefined;
    if (options) {
      const extra: string[] = [];
      for (const p of options.properties) {
        if (ts.isPropertyAssignment(p) && propertyNameText(p.name) === 'name' && ts.isStringLiteralLike(p.initializer)) {
          this.flowName = p.initializer.text;
        } else extra.push(this.text.code(p));
      }
      this.flowOptions = extra;
    } else if (fn && ts.isFunctionExpression(fn) && fn.name) this.flowName = fn.name.text;
    const params = this.readParameters(fn);
    this.flow = { statement, exportStatement, call: flowCall, fn, params };
    if (!fn) {
      this.problems.push({ message: 'The flow is not written inline, so its steps cannot be shown', severity: 'warning', span: spanOf(flowCall) });
      return;
    }
    if (ts.isBlock(fn.body)) {
      this.flow.body = fn.body;
      this.readBlock(fn.body.statements, fn.body, undefined);
    } else {
      this.flow.conciseBody = fn.body;
      if (this.readCall(fn.body, fn.body, { returned: true }, undefined)) this.conciseStep = true;
      else this.text.add(`return ${this.text.code(fn.body)};`, 'flow', null, spanOf(fn.body));
    }
  }

  private readParameters(fn: ts.ArrowFunction | ts.FunctionExpression | undefined): ParamStyle {
    const p = fn?.parameters[0];
    if (!p) return { style: 'none' };
    const fromType = (): FlowParameter[] | undefined => {
      if (!p.type || !ts.isTypeLiteralNode(p.type)) return undefined;
      const list: FlowParameter[] = [];
      for (const m of p.type.members) {
        if (!ts.isPropertySignature(m)) continue;
        const name = propertyNameText(m.name);
        if (name === undefined) continue;
        list.push({ name, type: m.type ? this.text.text(m.type) : 'unknown', ...(m.questionToken ? { optional: true } : {}) });
      }
      return list;
    };
    const typed = fromType();
    if (p.type && !typed) {
      this.problems.push({
        message: `The flow's parameters are typed as ${this.text.text(p.type)}; write the type inline ({ limit: number }) to show them in the builder`,
        severity: 'warning',
        span: spanOf(p.type),
      });
    }
    if (ts.isIdentifier(p.name)) {
      this.parameters = typed ?? [];
      return { style: 'identifier', name: p.name.text };
    }
    if (ts.isObjectBindingPattern(p.name)) {
      const locals = new Map<string, string>();
      for (const element of p.name.elements) {
        if (element.dotDotDotToken || !ts.isIdentifier(element.name)) continue;
        const param = element.propertyName ? propertyNameText(element.propertyName) : element.name.text;
        if (param !== undefined) locals.set(element.name.text, param);
      }
      this.parameters = typed ?? [...locals.values()].map((name) => ({ name, type: 'unknown' }));
      return { style: 'destructured', locals };
    }
    return { style: 'other' };
  }

  private readBlock(statements: readonly ts.Statement[], block: ts.Node | undefined, scope: NodeScope | undefined): void {
    let previous: string | null = null;
    const regionScope: RegionScope = scope ?? 'flow';
    for (const statement of statements) {
      const id = this.readStep(statement, scope);
      if (id) {
        this.text.addComments(statement, regionScope, previous);
        previous = id;
      } else previous = this.text.addStatement(statement, regionScope, previous);
    }
    if (block && ts.isBlock(block)) {
      const last = statements[statements.length - 1];
      const from = last ? trailingCommentsEnd(this.source, last.end) : block.getStart() + 1;
      this.text.addTrailingComments(from, regionScope, previous);
    }
  }

  /** Reads a statement as a step; returns its node id, or undefined when it is not one. */
  private readStep(statement: ts.Statement, scope: NodeScope | undefined): string | undefined {
    // Every `if` among the steps is a branch, so a branch does not come and go as its arms are typed.
    if (ts.isIfStatement(statement)) return this.readBranch(statement, scope);
    if (ts.isReturnStatement(statement)) {
      return statement.expression ? this.readCall(statement, statement.expression, { returned: true }, scope) : undefined;
    }
    if (ts.isExpressionStatement(statement)) return this.readCall(statement, statement.expression, {}, scope);
    if (ts.isVariableStatement(statement) && !statement.modifiers?.length) {
      const list = statement.declarationList;
      if (list.declarations.length !== 1) return undefined;
      const d = list.declarations[0];
      if (!ts.isIdentifier(d.name) || !d.initializer || d.type) return undefined;
      return this.readCall(statement, d.initializer, { output: d.name }, scope);
    }
    return undefined;
  }

  /**
   * Reads the expression of a step's statement: a call of a task, library task, flow or SDK
   * function, awaited or returned; a task's `map`; or a call per item inside `Promise.all`.
   */
  private readCall(
    statement: ts.Statement | ts.Expression,
    expression: ts.Expression,
    how: { output?: ts.Identifier; returned?: true },
    scope: NodeScope | undefined,
  ): string | undefined {
    let e = skipParens(expression);
    let awaited: ts.AwaitExpression | undefined;
    if (ts.isAwaitExpression(e)) {
      awaited = e;
      e = skipParens(e.expression);
    }
    if (!ts.isCallExpression(e)) return undefined;
    let call: ts.CallExpression = e;
    const site: CallSite = { statement, ...(awaited ? { awaitExpression: awaited } : {}), ...(how.output ? { output: how.output } : {}) };
    const flags: Pick<GraphNode, 'returned' | 'futures' | 'each'> = how.returned ? { returned: true } : {};
    // A task's futures are kept as they are; a call that is neither awaited nor returned would be a promise left floating.
    const settled = awaited !== undefined || how.returned === true;

    const each = this.eachCall(call);
    if (each) {
      if (!settled) return undefined;
      flags.each = { list: this.text.code(each.list), item: each.item };
      call = each.call;
    }
    const mapped = this.mappedCall(call);
    if (mapped) {
      if (each || (!mapped.futures && !settled)) return undefined;
      if (mapped.futures) flags.futures = true;
      const candidate = this.candidates.get(mapped.name);
      const mapKind = kindReadAs('task', 'map');
      if (candidate?.type !== 'task' || !mapKind) return undefined;
      return this.addCalledNode(candidate, mapKind, mapped.call, site, flags, scope);
    }
    if (!settled || !ts.isIdentifier(call.expression)) return undefined;
    const callee = call.expression.text;
    const sdkFn = this.sdkLocals.get(callee);
    const sdkKind = sdkFn ? kindReadAs('sdkCall', sdkFn) : undefined;
    if (sdkKind) return each ? undefined : this.addSdkCallNode(sdkKind, call, site, flags, scope);
    const candidate = this.candidates.get(callee);
    if (!candidate) return undefined;
    const kind = candidate.type === 'library' ? candidate.kind : candidate.type === 'task' ? kindReadAs('task', 'direct') : kindReadAs('flow');
    if (!kind) return undefined;
    return this.addCalledNode(candidate, kind, call, site, flags, scope);
  }

  /** `x.map(items, ...)` (its futures) or `x.map(items, ...).result()` (their results). */
  private mappedCall(call: ts.CallExpression): { name: string; call: ts.CallExpression; futures: boolean } | undefined {
    const mapOf = (c: ts.CallExpression): string | undefined => {
      const target = c.expression;
      if (!ts.isPropertyAccessExpression(target) || target.name.text !== 'map' || !ts.isIdentifier(target.expression)) return undefined;
      return this.candidates.get(target.expression.text)?.type === 'task' ? target.expression.text : undefined;
    };
    const direct = mapOf(call);
    if (direct !== undefined) return { name: direct, call, futures: true };
    const callee = call.expression;
    if (call.arguments.length !== 0 || !ts.isPropertyAccessExpression(callee) || callee.name.text !== 'result') return undefined;
    const inner = callee.expression;
    if (!ts.isCallExpression(inner)) return undefined;
    const name = mapOf(inner);
    return name === undefined ? undefined : { name, call: inner, futures: false };
  }

  /** `Promise.all(list.map((item) => call))`: one call per item, all at once. */
  private eachCall(call: ts.CallExpression): { list: ts.Expression; item: string; call: ts.CallExpression } | undefined {
    const callee = call.expression;
    if (
      !ts.isPropertyAccessExpression(callee) ||
      callee.name.text !== 'all' ||
      !ts.isIdentifier(callee.expression) ||
      callee.expression.text !== 'Promise'
    ) {
      return undefined;
    }
    const [arg, ...rest] = call.arguments;
    if (!arg || rest.length > 0 || !ts.isCallExpression(arg) || arg.arguments.length !== 1) return undefined;
    const map = arg.expression;
    if (!ts.isPropertyAccessExpression(map) || map.name.text !== 'map') return undefined;
    const fn = arg.arguments[0];
    if (!ts.isArrowFunction(fn) || fn.modifiers?.length || fn.typeParameters || fn.type || fn.parameters.length !== 1) return undefined;
    const p = fn.parameters[0];
    if (!ts.isIdentifier(p.name) || p.type || p.initializer || p.dotDotDotToken || p.questionToken) return undefined;
    const body = ts.isBlock(fn.body) ? undefined : skipParens(fn.body);
    if (!body || !ts.isCallExpression(body)) return undefined;
    return { list: map.expression, item: p.name.text, call: body };
  }

  private declaredNode(candidate: Candidate, kind: NodeKind, id: string): GraphNode {
    const site = candidate.site;
    const node: GraphNode = { id, kind: kind.id, name: id, fields: {}, options: {}, inputs: {}, span: spanOf(site.statement) };
    if (candidate.type === 'flowImport') {
      node.importFrom = candidate.from;
      return node;
    }
    const comments = this.text.commentsOf(site.statement);
    if (comments) node.comment = comments.text;
    if (candidate.type === 'flow') {
      node.code = this.text.code(candidate.call);
      const options = candidate.call.arguments[0];
      if (options && ts.isObjectLiteralExpression(options)) {
        for (const p of options.properties) {
          if (ts.isPropertyAssignment(p) && propertyNameText(p.name) === 'name' && ts.isStringLiteralLike(p.initializer))
            node.name = p.initializer.text;
        }
      }
      return node;
    }
    if (candidate.type === 'task') {
      node.code = this.text.code(candidate.fn);
      const fn = skipParens(candidate.fn);
      if (ts.isFunctionExpression(fn) && fn.name) node.name = fn.name.text;
    }
    if (site.options) this.readOptions(site.options, node);
    return node;
  }

  private readOptions(object: ts.ObjectLiteralExpression, node: GraphNode): void {
    const extra: string[] = [];
    const options = node.options as Record<string, unknown>;
    for (const p of object.properties) {
      const key = ts.isPropertyAssignment(p) ? propertyNameText(p.name) : undefined;
      if (ts.isPropertyAssignment(p) && key !== undefined) {
        const read = readLiteral(p.initializer);
        if (key === 'name' && read.ok && typeof read.value === 'string') {
          node.name = read.value;
          continue;
        }
        if (read.ok && NODE_OPTION_NAMES.includes(key as NodeOptionName) && !(key in options)) {
          options[key] = read.value;
          continue;
        }
      }
      // Comments above an option belong to it (they usually say why it is set).
      extra.push(this.text.code(p, this.text.commentsOf(p)?.span.start ?? p.getStart()));
    }
    if (extra.length > 0) node.extraOptions = extra;
  }

  private addCalledNode(
    candidate: Candidate,
    kind: NodeKind,
    call: ts.CallExpression,
    site: CallSite,
    flags: Pick<GraphNode, 'returned' | 'futures' | 'each'>,
    scope: NodeScope | undefined,
  ): string | undefined {
    const declared = candidate.site.name.text;
    const node = this.declaredNode(candidate, kind, declared);
    const args = argumentSlots(kind, call, node.code);
    if (!args) return undefined;
    // A task called again is another step of the same task: named after its result, or numbered.
    if (this.sites.has(declared)) {
      node.id = this.newId(site.output, declared);
      node.repeats = declared;
      node.span = spanOf(site.statement);
      delete node.comment;
    }
    if (kind.syntax.form === 'flow' && args.style === 'positional') node.positional = true;
    Object.assign(node, flags);
    this.finishCalledNode(node, kind, { ...site, args }, candidate.site, scope);
    return node.id;
  }

  private newId(output: ts.Identifier | undefined, base: string): string {
    const id = output && !this.ids.has(output.text) ? output.text : uniqueName(base, this.ids);
    this.ids.add(id);
    return id;
  }

  private addSdkCallNode(
    kind: NodeKind,
    call: ts.CallExpression,
    site: CallSite,
    flags: Pick<GraphNode, 'returned'>,
    scope: NodeScope | undefined,
  ): string | undefined {
    const args = argumentSlots(kind, call, undefined);
    if (!args) return undefined;
    const id = this.newId(site.output, kind.defaultId);
    const node: GraphNode = { id, kind: kind.id, name: id, fields: {}, options: {}, inputs: {}, span: spanOf(site.statement), ...flags };
    this.finishCalledNode(node, kind, { ...site, args }, undefined, scope);
    return id;
  }

  private finishCalledNode(
    node: GraphNode,
    kind: NodeKind,
    call: CallSite,
    declaration: DeclarationSite | undefined,
    scope: NodeScope | undefined,
  ): void {
    if (call.output) {
      node.output = call.output.text;
      this.outputs.set(call.output.text, node.id);
    }
    if (scope) node.scope = scope;
    node.callSpan = spanOf(call.statement);
    this.calledNodes.push(node);
    this.sites.set(node.id, { node, kind, declaration, call });
    if (call.args) this.pending.push({ node, kind, slots: call.args.slots });
  }

  private readBranch(statement: ts.IfStatement, scope: NodeScope | undefined): string | undefined {
    const kind = kindReadAs('if');
    if (!kind) return undefined;
    const id = uniqueName(branchIdBase(this.text.text(statement.expression)), this.ids);
    this.ids.add(id);
    const node: GraphNode = { id, kind: kind.id, name: id, fields: {}, options: {}, inputs: {}, span: spanOf(statement) };
    const slots: SlotSite[] = [{ name: 'condition', element: statement.expression, value: statement.expression }];
    this.finishCalledNode(node, kind, { statement, ifStatement: statement }, undefined, scope);
    this.pending.push({ node, kind, slots });
    const arm = (s: ts.Statement, name: 'then' | 'else'): void => {
      if (ts.isBlock(s)) this.readBlock(s.statements, s, { branch: id, arm: name });
      else this.readBlock([s], undefined, { branch: id, arm: name });
    };
    arm(statement.thenStatement, 'then');
    if (statement.elseStatement) arm(statement.elseStatement, 'else');
    return id;
  }

  /** Task declarations the flow never calls as a step stay nodes, marked uncalled. */
  private readUncalled(): GraphNode[] {
    const nodes: GraphNode[] = [];
    for (const [id, candidate] of this.candidates) {
      if (this.sites.has(id) || candidate.type === 'flow' || candidate.type === 'flowImport') continue;
      const kind = candidate.type === 'library' ? candidate.kind : kindReadAs('task', 'direct');
      if (!kind) continue;
      const node = this.declaredNode(candidate, kind, id);
      node.uncalled = true;
      nodes.push(node);
      this.sites.set(id, { node, kind, declaration: candidate.site });
      // A task that another flow of the file calls (a subflow's step) is used, just not here.
      if (this.calledByAnotherFlow(id)) continue;
      this.problems.push({
        nodeId: id,
        message: `'${id}' is not called as a step of the flow (code the graph does not show may still use it)`,
        severity: 'warning',
        span: node.span,
      });
    }
    return nodes;
  }

  private calledByAnotherFlow(id: string): boolean {
    const mentions = (node: ts.Node): boolean => (ts.isIdentifier(node) && node.text === id) || (ts.forEachChild(node, mentions) ?? false);
    for (const candidate of this.candidates.values()) {
      if (candidate.type !== 'flow' || candidate.call === this.flow?.call) continue;
      if (candidate.call.arguments.some(mentions)) return true;
    }
    return false;
  }

  private readModuleRegions(): void {
    let previous: string | null = null;
    const flowStatements = new Set<ts.Statement>();
    if (this.flow) {
      flowStatements.add(this.flow.statement);
      if (this.flow.exportStatement) flowStatements.add(this.flow.exportStatement);
    }
    for (const statement of this.file.statements) {
      if (this.consumedImports.has(statement)) continue;
      if (flowStatements.has(statement)) {
        // Comments above the flow stay just above it.
        if (statement === this.flow?.statement) this.text.addComments(statement, 'module', previous);
        previous = FLOW_ANCHOR;
        continue;
      }
      const id = this.declaredNodeId(statement);
      if (id) {
        previous = id;
        continue;
      }
      previous = this.text.addStatement(statement, 'module', previous);
    }
    const last = this.file.statements[this.file.statements.length - 1];
    if (last) this.text.addTrailingComments(trailingCommentsEnd(this.source, last.end), 'module', previous);
  }

  private declaredNodeId(statement: ts.Statement): string | undefined {
    let name: string | undefined;
    if (ts.isVariableStatement(statement) && statement.declarationList.declarations.length === 1) {
      const n = statement.declarationList.declarations[0].name;
      if (ts.isIdentifier(n)) name = n.text;
    } else if (ts.isImportDeclaration(statement) && statement.importClause?.name) {
      name = statement.importClause.name.text;
    }
    if (name === undefined) return undefined;
    const site = this.sites.get(name);
    return site?.declaration?.statement === statement ? name : undefined;
  }
}
