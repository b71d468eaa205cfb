/** Graph to code: a whole flow module, laid out the way a person would write it. */
import { FLOW_ANCHOR, type FlowGraph, type GraphNode, type InputBinding, type NodeScope, type UnparsedRegion } from './graph.js';
import { credentialImport, credentialText, isCredential } from './credentials.js';
import { defaultOutputName, takenNames } from './ids.js';
import { NODE_KINDS, nodeKind, SDK_EXPORTS, SDK_MODULE, TASKS_MODULE, type NodeKind } from './node-kinds.js';
import { createSource, indentCode, propertyKey, quoteString, valueIdentifiers } from './syntax.js';
import { shapeOf } from './shapes/index.js';
import { writeCallExpression, writeCallStatement, writeDeclaration } from './write.js';
import { INDENT, MAX_LINE, pathText, writeObject, type WriteContext } from './write-parts.js';

const LIBRARY_FUNCTIONS = new Set(
  NODE_KINDS.flatMap((k) => {
    const imported = shapeOf(k).write.imports;
    return imported?.module === 'tasks' ? [imported.name] : [];
  }),
);
const SDK_NAMES = new Set<string>(SDK_EXPORTS);

function scopeKey(scope: NodeScope | 'flow' | 'module' | undefined): string {
  if (scope === undefined || scope === 'flow') return 'flow';
  if (scope === 'module') return 'module';
  return `${scope.branch}:${scope.arm}`;
}

/** Ids of the nodes a node's arguments read from. */
function bindingSources(node: GraphNode): string[] {
  return Object.values(node.inputs).flatMap((b: InputBinding) => (b.from === 'node' ? [b.node] : []));
}

/** Puts regions after the item they follow; items missing from the list go last. */
function placeRegions(items: string[], regions: readonly UnparsedRegion[], fallbackIndex: (list: string[]) => number): string[] {
  const list = [...items];
  const nextSlot = new Map<string | null, number>();
  for (const region of regions) {
    let at: number;
    const slot = nextSlot.get(region.after);
    if (slot !== undefined) at = slot;
    else if (region.after === null) at = 0;
    else {
      const i = list.indexOf(region.after);
      at = i >= 0 ? i + 1 : fallbackIndex(list);
    }
    list.splice(at, 0, region.id);
    for (const [k, v] of nextSlot) if (v >= at) nextSlot.set(k, v + 1);
    nextSlot.set(region.after, at + 1);
    nextSlot.set(region.id, at + 1);
  }
  return list;
}

export function generateFlowModule(graph: FlowGraph): string {
  return new ModuleWriter(graph).write();
}

class ModuleWriter {
  private readonly nodes = new Map<string, GraphNode>();
  private readonly kinds = new Map<string, NodeKind>();
  private readonly outputs = new Map<string, string>();
  /** Result variable to the node it holds the result of. */
  private readonly outputNodes = new Map<string, string>();
  private readonly regions = new Map<string, UnparsedRegion>();
  private readonly declarationOrder: string[] = [];
  private readonly ctx: WriteContext;

  constructor(private readonly graph: FlowGraph) {
    for (const node of graph.nodes) {
      const kind = nodeKind(node.kind);
      if (!kind || this.nodes.has(node.id)) continue;
      this.nodes.set(node.id, node);
      this.kinds.set(node.id, kind);
    }
    for (const region of graph.regions) this.regions.set(region.id, region);
    this.assignOutputs();
    for (const [id, output] of this.outputs) this.outputNodes.set(output, id);
    this.ctx = {
      local: (_module, name) => name,
      binding: (b) => {
        if (b.from === 'expression') return b.code;
        if (isCredential(b)) return credentialText(b);
        if (b.from === 'param') return `${graph.parametersDestructured ? '' : 'params.'}${b.name}${pathText(b.path)}`;
        const output = this.outputs.get(b.node);
        return output ? `${output}${pathText(b.path)}` : 'undefined';
      },
    };
  }

  /** Nodes other nodes read from need a result variable; a readable one is made up when missing. */
  private assignOutputs(): void {
    const used = new Set<string>();
    for (const e of this.graph.edges) used.add(e.source);
    for (const node of this.nodes.values()) for (const s of bindingSources(node)) used.add(s);
    const taken = takenNames(this.graph);
    for (const node of this.nodes.values()) {
      if (node.output) this.outputs.set(node.id, node.output);
      else if (used.has(node.id) && !node.returned && shapeOf(this.kinds.get(node.id)!).write.result) {
        const name = defaultOutputName(node.id, taken);
        taken.add(name);
        this.outputs.set(node.id, name);
      }
    }
  }

  private scopeOf(node: GraphNode): string {
    return node.scope && this.nodes.get(node.scope.branch)?.kind !== undefined ? scopeKey(node.scope) : 'flow';
  }

  /** The node and the branches around it, innermost first. */
  private chain(id: string): string[] {
    const chain: string[] = [];
    const seen = new Set<string>();
    let current = this.nodes.get(id);
    while (current && !seen.has(current.id)) {
      chain.push(current.id);
      seen.add(current.id);
      current = current.scope ? this.nodes.get(current.scope.branch) : undefined;
    }
    return chain;
  }

  /** The called nodes of one scope in dependency order, ties kept in graph order. */
  private ordered(scope: string): GraphNode[] {
    const members = [...this.nodes.values()].filter((n) => !n.uncalled && this.scopeOf(n) === scope);
    const index = new Map(members.map((n, i) => [n.id, i]));
    const deps = new Map<string, Set<string>>(members.map((n) => [n.id, new Set<string>()]));
    const pairs: [string, string][] = this.graph.edges.map((e) => [e.source, e.target]);
    for (const node of this.nodes.values()) {
      for (const s of bindingSources(node)) pairs.push([s, node.id]);
      // The list a step runs once per item of may hold other steps' results.
      if (node.each)
        valueIdentifiers(createSource(node.each.list), (i) => {
          const source = this.outputNodes.get(i.text);
          if (source !== undefined) pairs.push([source, node.id]);
        });
    }
    for (const [source, target] of pairs) {
      const sources = this.chain(source);
      for (const t of this.chain(target)) {
        if (!index.has(t)) continue;
        const s = sources.find((id) => index.has(id));
        if (s !== undefined && s !== t) deps.get(t)!.add(s);
      }
    }
    const done = new Set<string>();
    const result: GraphNode[] = [];
    while (result.length < members.length) {
      const next = members.find((n) => !done.has(n.id) && [...deps.get(n.id)!].every((d) => done.has(d))) ?? members.find((n) => !done.has(n.id))!;
      done.add(next.id);
      result.push(next);
    }
    return result;
  }

  private scopeRegions(scope: string): UnparsedRegion[] {
    return this.graph.regions.filter((r) => scopeKey(r.scope) === scope);
  }

  private writeScope(scope: string, indent: string): string[] {
    const nodes = this.ordered(scope);
    const items = placeRegions(
      nodes.map((n) => n.id),
      this.scopeRegions(scope),
      (list) => list.length,
    );
    const lines: string[] = [];
    for (const id of items) {
      const region = this.regions.get(id);
      if (region) {
        lines.push(indent + indentCode(region.code, indent));
        continue;
      }
      const node = this.nodes.get(id)!;
      const kind = this.kinds.get(id)!;
      const shape = shapeOf(kind);
      if (shape.write.declared && !node.repeats) this.declarationOrder.push(id);
      lines.push(indent + writeCallStatement(node, kind, this.ctx, indent, this.outputs.get(id)));
      if (shape.edit.opensBlock) {
        lines.push(...this.writeScope(scopeKey({ branch: id, arm: 'then' }), indent + INDENT));
        const otherwise = this.writeScope(scopeKey({ branch: id, arm: 'else' }), indent + INDENT);
        if (otherwise.length > 0) lines.push(`${indent}} else {`, ...otherwise);
        lines.push(`${indent}}`);
      }
    }
    return lines;
  }

  private usesName(code: string | undefined, name: string): boolean {
    if (code === undefined || !code.includes(name)) return false;
    let found = false;
    valueIdentifiers(createSource(code), (i) => {
      if (i.text === name) found = true;
    });
    return found;
  }

  /** The one returned step a flow written as `async () => step()` consists of, when that is all it holds. */
  private conciseStep(): GraphNode | undefined {
    if (!this.graph.conciseBody || this.scopeRegions('flow').length > 0) return undefined;
    const steps = this.ordered('flow');
    const only = steps[0];
    return steps.length === 1 && only.returned && shapeOf(this.kinds.get(only.id)!).write.result ? only : undefined;
  }

  /**
   * The flow, laid out as a formatter would: `flow({ name }, async () => {` on one line when it
   * fits, otherwise the options and the function each on lines of their own.
   */
  private writeFlow(): string {
    const g = this.graph;
    const type = `{ ${g.parameters.map((p) => `${propertyKey(p.name)}${p.optional ? '?' : ''}: ${p.type}`).join('; ')} }`;
    const binding = g.parametersDestructured ? `{ ${g.parameters.map((p) => p.name).join(', ')} }` : 'params';
    const params = g.parameters.length === 0 ? '' : `${binding}: ${type}`;
    const head = g.flowVariable ? `const ${g.flowVariable} = flow(` : 'export default flow(';
    const fn = `async (${params}) =>`;
    const entries = [`name: ${quoteString(g.flowName)}`, ...(g.flowOptions ?? [])];
    const hugged = `${head}{ ${entries.join(', ')} }, ${fn}`;
    const fits = !hugged.includes('\n') && hugged.length + 2 <= MAX_LINE;
    const broken = (fnText: string) => `${head}\n${INDENT}${writeObject(entries, INDENT, INDENT.length, 1)},\n${INDENT}${fnText},\n);`;
    const concise = this.conciseStep();
    let text: string;
    if (concise) {
      const kind = this.kinds.get(concise.id)!;
      if (!concise.repeats) this.declarationOrder.push(concise.id);
      const oneLine = `${hugged} ${writeCallExpression(concise, kind, this.ctx, '', hugged.length + 1, 2)});`;
      const alone = writeCallExpression(concise, kind, this.ctx, INDENT, INDENT.length, 1);
      if (fits && !oneLine.includes('\n') && oneLine.length <= MAX_LINE) text = oneLine;
      // A flow with options besides its name reads better with them on a line of their own.
      else if (fits && entries.length === 1) text = `${hugged}\n${INDENT}${alone},\n);`;
      else text = broken(`${fn} ${writeCallExpression(concise, kind, this.ctx, INDENT, INDENT.length + fn.length + 1, 1)}`);
    } else if (fits) {
      text = `${hugged} {\n${this.writeScope('flow', INDENT)
        .map((l) => `${l}\n`)
        .join('')}});`;
    } else {
      text = broken(
        `${fn} {\n${this.writeScope('flow', INDENT + INDENT)
          .map((l) => `${l}\n`)
          .join('')}${INDENT}}`,
      );
    }
    return g.flowVariable ? `${text}\n\nexport default ${g.flowVariable};` : text;
  }

  private importLines(): string[] {
    const sdk = new Set<string>(['flow']);
    const tasks = new Set<string>();
    const code: string[] = [...this.graph.regions.map((r) => r.code), ...(this.graph.flowOptions ?? [])];
    for (const node of this.nodes.values()) {
      const imported = shapeOf(this.kinds.get(node.id)!).write.imports;
      if (imported) (imported.module === 'tasks' ? tasks : sdk).add(imported.name);
      if (node.code) code.push(node.code);
      code.push(...(node.extraOptions ?? []));
      for (const b of Object.values(node.inputs)) {
        if (b.from === 'expression') code.push(b.code);
        if (isCredential(b)) sdk.add(credentialImport(b));
      }
      for (const v of Object.values(node.fields)) if (typeof v === 'string' && /[A-Za-z]/.test(v)) code.push(v);
    }
    // Names the hand-written parts use are imported too (and only those that are used).
    const used = new Set<string>();
    for (const c of code) {
      if (![...SDK_NAMES, ...LIBRARY_FUNCTIONS].some((n) => c.includes(n))) continue;
      valueIdentifiers(createSource(c), (id) => used.add(id.text));
    }
    for (const name of used) {
      if (SDK_NAMES.has(name)) sdk.add(name);
      else if (LIBRARY_FUNCTIONS.has(name)) tasks.add(name);
    }
    const sorted = (names: Set<string>) => [...names].sort((a, b) => a.toLowerCase().localeCompare(b.toLowerCase()) || (a < b ? -1 : 1));
    const line = (names: Set<string>, from: string) => `import { ${sorted(names).join(', ')} } from ${quoteString(from)};`;
    const lines = [line(sdk, SDK_MODULE)];
    if (tasks.size > 0) lines.push(line(tasks, TASKS_MODULE));
    for (const node of this.nodes.values()) {
      const kind = this.kinds.get(node.id)!;
      if (!node.repeats && shapeOf(kind).write.importedDeclaration(node)) lines.push(writeDeclaration(node, kind, this.ctx)!);
    }
    return lines;
  }

  write(): string {
    const flowText = this.writeFlow();
    // A task the flow does not call goes just before the first declaration whose code uses it.
    for (const node of this.nodes.values()) {
      if (!node.uncalled) continue;
      const user = this.declarationOrder.findIndex((id) => this.usesName(this.nodes.get(id)!.code, node.id));
      if (user >= 0) this.declarationOrder.splice(user, 0, node.id);
      else this.declarationOrder.push(node.id);
    }
    const declarations = new Map<string, string>();
    for (const id of this.declarationOrder) {
      const node = this.nodes.get(id)!;
      if (node.importFrom !== undefined) declarations.set(id, '');
      else {
        const text = writeDeclaration(node, this.kinds.get(id)!, this.ctx);
        if (text !== undefined) declarations.set(id, text);
      }
    }
    // Regions whose anchor is gone go just before the flow.
    const items = placeRegions([...declarations.keys(), FLOW_ANCHOR], this.scopeRegions('module'), (list) => list.indexOf(FLOW_ANCHOR));

    const parts: { text: string; blankBefore: boolean }[] = [];
    const header = this.graph.comment ? `${this.graph.comment}\n` : '';
    let previousMultiline = false;
    let previousImport = true;
    let previousComment = false;
    for (const id of items) {
      let text: string;
      let isImport = false;
      let hasComment = false;
      let isComment = false;
      if (id === FLOW_ANCHOR) text = flowText;
      else if (this.regions.has(id)) {
        text = this.regions.get(id)!.code;
        isImport = /^import[\s{]/.test(text);
        isComment = createSource(text).statements.length === 0;
        hasComment = isComment;
      } else {
        text = declarations.get(id)!;
        hasComment = this.nodes.get(id)?.comment !== undefined;
        if (text === '') continue;
      }
      const multiline = text.includes('\n');
      // A comment on its own stays with what follows it.
      const blankBefore = previousComment
        ? false
        : isImport
          ? !previousImport
          : previousImport || previousMultiline || multiline || hasComment || id === FLOW_ANCHOR;
      parts.push({ text, blankBefore });
      previousMultiline = multiline;
      previousImport = isImport;
      previousComment = isComment;
    }
    let out = header + this.importLines().join('\n') + '\n';
    for (const p of parts) out += (p.blankBefore ? '\n' : '') + p.text + '\n';
    return out;
  }
}
