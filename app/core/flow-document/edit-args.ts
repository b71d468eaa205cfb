/** Edits of one argument or option of a step, as splices of its call or declaration. */
import ts from 'typescript';
import { analyzeFlowModule } from './parse.js';
import type { ModuleAnalysis, NodeSite } from './sites.js';
import { takesInput } from './inputs.js';
import { addListElement, applySplices, argumentList, objectList, removeListElement, type Splice } from './splice.js';
import { createSource, indentAt, indentCode, propertyNameText, syntaxErrors } from './syntax.js';
import { objectEntry } from './write.js';

export class EditError extends Error {
  constructor(
    message: string,
    readonly nodeId?: string,
  ) {
    super(message);
    this.name = 'EditError';
  }
}

export function analyzeForEdit(source: string): ModuleAnalysis {
  const analysis = analyzeFlowModule(source);
  if (analysis.syntaxErrorCount > 0) {
    const first = analysis.problems.find((p) => p.severity === 'error' && p.span);
    throw new EditError(`The code has syntax errors (${first?.message ?? 'see the editor'}); fix them before editing the graph`);
  }
  return analysis;
}

export function siteOf(analysis: ModuleAnalysis, id: string): NodeSite {
  const site = analysis.sites.get(id);
  if (!site) throw new EditError(`There is no node '${id}' in the flow`, id);
  return site;
}

/** Code typed into the side panel must be one expression, or it would break the file. */
export function checkExpression(code: string, what: string, nodeId?: string): void {
  const file = createSource(`(${code}\n);`);
  if (code.trim() === '' || syntaxErrors(file).length > 0 || file.statements.length !== 1) {
    throw new EditError(`${what} is not a valid TypeScript expression: ${code}`, nodeId);
  }
}

function replaceValue(source: string, value: ts.Node, text: string): Splice {
  const start = value.getStart();
  return { start, end: value.end, text: indentCode(text, indentAt(source, start)) };
}

/** The position of a named argument of a positional call. */
function positionOf(site: NodeSite, name: string): number {
  const names = site.call!.args!.names;
  const index = names.indexOf(name);
  if (index >= 0) return index;
  const match = /^arg(\d+)$/.exec(name);
  if (match) return Number(match[1]);
  const known = names.length > 0 ? `; it takes ${names.join(', ')}` : '';
  throw new EditError(`'${site.node.id}' has no input '${name}'${known}`, site.node.id);
}

/**
 * Sets (or, with `text` undefined, removes) one argument of a step's call. `text` is the
 * argument's code. The rest of the call is left as it is written.
 */
export function writeSlot(source: string, id: string, name: string, text: string | undefined): string {
  const analysis = analyzeForEdit(source);
  const site = siteOf(analysis, id);
  const { kind, call } = site;
  if (call?.ifStatement) {
    if (name !== 'condition') throw new EditError(`A branch has only a condition, not '${name}'`, id);
    return applySplices(source, [replaceValue(source, call.ifStatement.expression, text ?? 'true')]);
  }
  const args = call?.args;
  if (!args) throw new EditError(`'${id}' is not called as a step of the flow, so its arguments cannot be set from the graph`, id);
  const existing = args.slots.find((s) => s.name === name);
  if (args.style === 'object') {
    if (!takesInput(site.node, kind, name)) {
      throw new EditError(`${kind.label} has no field '${name}'; it has ${kind.fields.map((f) => f.name).join(', ')}`, id);
    }
    if (existing) {
      const list = objectList(args.object!);
      if (text === undefined) return applySplices(source, removeListElement(source, list, list.elements.indexOf(existing.element)));
      if (ts.isShorthandPropertyAssignment(existing.element)) {
        return applySplices(source, [replaceValue(source, existing.element, objectEntry(name, text))]);
      }
      return applySplices(source, [replaceValue(source, existing.value, text)]);
    }
    if (text === undefined) return source;
    const entry = objectEntry(name, text);
    if (args.object) return applySplices(source, addListElement(source, objectList(args.object), entry));
    return applySplices(source, [{ start: args.call.arguments.pos, end: args.call.arguments.pos, text: `{ ${entry} }` }]);
  }
  const index = positionOf(site, name);
  const list = argumentList(args.call);
  const current = args.call.arguments;
  if (text === undefined) {
    if (index >= current.length) return source;
    if (index < current.length - 1) return applySplices(source, [replaceValue(source, current[index], 'undefined')]);
    // Dropping the last argument also drops the `undefined`s that only held its place.
    let keep = index;
    while (keep > 0 && ts.isIdentifier(current[keep - 1]) && (current[keep - 1] as ts.Identifier).text === 'undefined') keep--;
    if (keep === 0) return applySplices(source, [{ start: list.open, end: current[index].end, text: '' }]);
    return applySplices(source, [{ start: current[keep - 1].end, end: current[index].end, text: '' }]);
  }
  if (index < current.length) return applySplices(source, [replaceValue(source, current[index], text)]);
  const gap = Array.from({ length: index - current.length }, () => 'undefined');
  const value = indentCode(text, indentAt(source, args.call.getStart()));
  return applySplices(source, addListElement(source, list, [...gap, value].join(', ')));
}

/** Sets (or removes) one property of a step's options object, adding the object when there is none. */
export function writeOption(source: string, id: string, key: string, text: string | undefined): string {
  const analysis = analyzeForEdit(source);
  const site = siteOf(analysis, id);
  if (!site.kind.taskOptions) throw new EditError(`${site.kind.label} nodes have no task options`, id);
  const declaration = site.declaration;
  if (!declaration) throw new EditError(`'${id}' has no declaration to hold its options`, id);
  const entry = text === undefined ? undefined : objectEntry(key, text);
  if (declaration.options) {
    const list = objectList(declaration.options);
    const index = declaration.options.properties.findIndex(
      (p) => (ts.isPropertyAssignment(p) || ts.isShorthandPropertyAssignment(p)) && propertyNameText(p.name) === key,
    );
    if (index >= 0) {
      const property = declaration.options.properties[index];
      if (entry === undefined) return applySplices(source, removeListElement(source, list, index));
      if (ts.isPropertyAssignment(property)) return applySplices(source, [replaceValue(source, property.initializer, text!)]);
      return applySplices(source, [replaceValue(source, property, entry)]);
    }
    return entry === undefined ? source : applySplices(source, addListElement(source, list, entry));
  }
  if (entry === undefined) return source;
  if (declaration.bare) {
    return applySplices(source, [replaceValue(source, declaration.bare, `${declaration.bare.getText()}.withOptions({ ${entry} })`)]);
  }
  if (declaration.emptyWithOptions) {
    const at = declaration.emptyWithOptions.arguments.pos;
    return applySplices(source, [{ start: at, end: at, text: `{ ${entry} }` }]);
  }
  if (declaration.taskCall) {
    const at = declaration.taskCall.arguments[0].getStart();
    return applySplices(source, [{ start: at, end: at, text: `{ ${entry} }, ` }]);
  }
  throw new EditError(`'${id}' has no options object to edit`, id);
}

/** Whether the node's argument `input` currently reads from anything (an edge, a parameter, code). */
export function isBound(analysis: ModuleAnalysis, id: string, input: string): boolean {
  const node = siteOf(analysis, id).node;
  if (node.inputs[input]) return true;
  return analysis.graph.edges.some((e) => e.target === id && e.input === input);
}
