/** Small helpers over the TypeScript syntax tree and source text, shared by parsing and editing. */
import ts from 'typescript';

export function createSource(text: string): ts.SourceFile {
  // Syntax only: no program and no type checker, so large files parse in milliseconds.
  return ts.createSourceFile('flow.ts', text, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
}

/** The parser's own syntax errors (TypeScript keeps them on the source file without a program). */
export function syntaxErrors(file: ts.SourceFile): readonly ts.DiagnosticWithLocation[] {
  return (file as unknown as { parseDiagnostics?: readonly ts.DiagnosticWithLocation[] }).parseDiagnostics ?? [];
}

export function skipParens(expression: ts.Expression): ts.Expression {
  let e = expression;
  while (ts.isParenthesizedExpression(e)) e = e.expression;
  return e;
}

/** A property name written as an identifier, string or number; undefined for computed names. */
export function propertyNameText(name: ts.PropertyName): string | undefined {
  if (ts.isIdentifier(name) || ts.isStringLiteral(name) || ts.isNumericLiteral(name) || ts.isNoSubstitutionTemplateLiteral(name)) {
    return name.text;
  }
  return undefined;
}

type LiteralRead = { ok: true; value: unknown } | { ok: false };
const NOT_LITERAL: LiteralRead = { ok: false };

/** The value of an expression made only of JSON-like literals (strings, numbers, booleans, null, arrays, objects). */
export function readLiteral(expression: ts.Expression): LiteralRead {
  const e = skipParens(expression);
  switch (e.kind) {
    case ts.SyntaxKind.StringLiteral:
    case ts.SyntaxKind.NoSubstitutionTemplateLiteral:
      return { ok: true, value: (e as ts.StringLiteral).text };
    case ts.SyntaxKind.NumericLiteral:
      return { ok: true, value: numberOf(e as ts.NumericLiteral) };
    case ts.SyntaxKind.TrueKeyword:
      return { ok: true, value: true };
    case ts.SyntaxKind.FalseKeyword:
      return { ok: true, value: false };
    case ts.SyntaxKind.NullKeyword:
      return { ok: true, value: null };
    case ts.SyntaxKind.PrefixUnaryExpression: {
      const u = e as ts.PrefixUnaryExpression;
      if (u.operator === ts.SyntaxKind.MinusToken && ts.isNumericLiteral(u.operand)) return { ok: true, value: -numberOf(u.operand) };
      return NOT_LITERAL;
    }
    case ts.SyntaxKind.ArrayLiteralExpression: {
      const values: unknown[] = [];
      for (const element of (e as ts.ArrayLiteralExpression).elements) {
        if (ts.isSpreadElement(element) || ts.isOmittedExpression(element)) return NOT_LITERAL;
        const read = readLiteral(element);
        if (!read.ok) return NOT_LITERAL;
        values.push(read.value);
      }
      return { ok: true, value: values };
    }
    case ts.SyntaxKind.ObjectLiteralExpression: {
      const value: Record<string, unknown> = {};
      for (const property of (e as ts.ObjectLiteralExpression).properties) {
        if (!ts.isPropertyAssignment(property)) return NOT_LITERAL;
        const key = propertyNameText(property.name);
        // `__proto__: x` in a literal sets the prototype instead of a key, so it cannot round-trip.
        if (key === undefined || key === '__proto__' || Object.prototype.hasOwnProperty.call(value, key)) return NOT_LITERAL;
        const read = readLiteral(property.initializer);
        if (!read.ok) return NOT_LITERAL;
        value[key] = read.value;
      }
      return { ok: true, value };
    }
    default:
      return NOT_LITERAL;
  }
}

function numberOf(literal: ts.NumericLiteral): number {
  return Number(literal.text.replace(/_/g, ''));
}

export class LiteralError extends Error {}

/** Writes a JSON-like value as TypeScript: single quotes, `{ a: 1 }`, `[1, 2]`. */
export function renderLiteral(value: unknown): string {
  if (value === null) return 'null';
  switch (typeof value) {
    case 'string':
      return quoteString(value);
    case 'number':
      if (!Number.isFinite(value)) throw new LiteralError(`${value} cannot be written as a literal`);
      return Object.is(value, -0) ? '-0' : String(value);
    case 'boolean':
      return String(value);
    case 'object': {
      if (Array.isArray(value)) return `[${value.map(renderLiteral).join(', ')}]`;
      const proto: unknown = Object.getPrototypeOf(value);
      if (proto !== Object.prototype && proto !== null) throw new LiteralError('only plain objects can be written as literals');
      const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined);
      if (entries.length === 0) return '{}';
      return `{ ${entries.map(([k, v]) => `${propertyKey(k)}: ${renderLiteral(v)}`).join(', ')} }`;
    }
    default:
      throw new LiteralError(`a ${typeof value} cannot be written as a literal`);
  }
}

export function quoteString(text: string): string {
  const json = JSON.stringify(text).slice(1, -1);
  return `'${json.replace(/\\"/g, '"').replace(/'/g, "\\'")}'`;
}

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

/** Words that cannot name a variable. */
const RESERVED_WORDS = new Set(
  (
    'break case catch class const continue debugger default delete do else enum export extends false finally for ' +
    'function if import in instanceof new null return super switch this throw true try typeof var void while with ' +
    'await yield let static implements interface package private protected public arguments eval undefined NaN Infinity ' +
    'as async of type'
  ).split(' '),
);

export function isIdentifierName(text: string): boolean {
  return IDENTIFIER.test(text);
}

export function isVariableName(text: string): boolean {
  return IDENTIFIER.test(text) && !RESERVED_WORDS.has(text);
}

export function propertyKey(key: string): string {
  return isIdentifierName(key) && key !== '__proto__' ? key : quoteString(key);
}

export interface CodeParameter {
  name: string;
  optional: boolean;
}

const parameterCache = new Map<string, CodeParameter[] | null>();

/**
 * The parameters of a function written as code (`async (users: User[]) => ...`), or null when the
 * code is not a function literal. Destructured parameters are named by position (`arg0`).
 */
export function functionParameters(code: string): CodeParameter[] | null {
  const cached = parameterCache.get(code);
  if (cached !== undefined) return cached;
  const file = createSource(`(${code});`);
  const statement = file.statements[0];
  let result: CodeParameter[] | null = null;
  if (statement && ts.isExpressionStatement(statement)) {
    const fn = skipParens(statement.expression);
    if (ts.isArrowFunction(fn) || ts.isFunctionExpression(fn)) result = parametersOf(fn);
  }
  if (parameterCache.size > 5000) parameterCache.clear();
  parameterCache.set(code, result);
  return result;
}

/** The parameters of the function a flow is written with (`flow({ ... }, async (n: number) => ...)`), or null. */
export function flowFunctionParameters(code: string): CodeParameter[] | null {
  const file = createSource(`(${code});`);
  const statement = file.statements[0];
  if (!statement || !ts.isExpressionStatement(statement)) return null;
  const call = skipParens(statement.expression);
  if (!ts.isCallExpression(call)) return null;
  const fn = call.arguments[call.arguments.length - 1];
  return fn && (ts.isArrowFunction(fn) || ts.isFunctionExpression(fn)) ? parametersOf(fn) : null;
}

function parametersOf(fn: ts.SignatureDeclarationBase): CodeParameter[] {
  return fn.parameters.map((p, i) => ({
    name: ts.isIdentifier(p.name) ? p.name.text : `arg${i}`,
    optional: p.questionToken !== undefined || p.initializer !== undefined || p.dotDotDotToken !== undefined,
  }));
}

/** Identifiers used as values (not property names) anywhere inside a node. */
export function valueIdentifiers(root: ts.Node, visit: (identifier: ts.Identifier) => void): void {
  const walk = (node: ts.Node): void => {
    if (ts.isIdentifier(node)) {
      if (isValuePosition(node)) visit(node);
      return;
    }
    ts.forEachChild(node, walk);
  };
  walk(root);
}

/** False for the `b` of `a.b`, the key of `{ b: 1 }` and similar names that are not variable references. */
export function isValuePosition(identifier: ts.Identifier): boolean {
  const parent = identifier.parent;
  if (!parent) return true;
  if (ts.isPropertyAccessExpression(parent) && parent.name === identifier) return false;
  if (ts.isPropertyAssignment(parent) && parent.name === identifier) return false;
  if (ts.isPropertySignature(parent) || ts.isPropertyDeclaration(parent) || ts.isMethodDeclaration(parent)) return parent.name !== identifier;
  if (ts.isQualifiedName(parent) && parent.right === identifier) return false;
  if (ts.isLabeledStatement(parent) || ts.isBreakOrContinueStatement(parent)) return false;
  if (ts.isBindingElement(parent) && parent.propertyName === identifier) return false;
  if ((ts.isImportSpecifier(parent) || ts.isExportSpecifier(parent)) && parent.propertyName === identifier) return false;
  if (ts.isGetAccessor(parent) || ts.isSetAccessor(parent)) return parent.name !== identifier;
  return true;
}

export interface TextRange {
  start: number;
  end: number;
}

export function lineStartOf(text: string, pos: number): number {
  return text.lastIndexOf('\n', pos - 1) + 1;
}

/** The index of the newline ending the line that holds `pos`, or the text's length. */
export function lineEndOf(text: string, pos: number): number {
  const i = text.indexOf('\n', pos);
  return i === -1 ? text.length : i;
}

export function onlySpaceBefore(text: string, pos: number): boolean {
  return text.slice(lineStartOf(text, pos), pos).trim() === '';
}

export function onlySpaceAfter(text: string, pos: number): boolean {
  return text.slice(pos, lineEndOf(text, pos)).trim() === '';
}

export function indentAt(text: string, pos: number): string {
  const start = lineStartOf(text, pos);
  return /^[ \t]*/.exec(text.slice(start))![0];
}

/**
 * The comments directly above a statement (no blank line between them or before it), which belong
 * to it and go where it goes.
 */
export function attachedCommentsStart(text: string, node: ts.Node): number | undefined {
  const ranges = ts.getLeadingCommentRanges(text, node.pos);
  if (!ranges || ranges.length === 0) return undefined;
  let start: number | undefined;
  let next = node.getStart();
  for (let i = ranges.length - 1; i >= 0; i--) {
    const gap = text.slice(ranges[i].end, next);
    if ((gap.match(/\n/g)?.length ?? 0) > 1) break;
    start = ranges[i].pos;
    next = ranges[i].pos;
  }
  return start;
}

/** The end of comments on the same line after `pos` (`foo(); // why`), or `pos`. */
export function trailingCommentsEnd(text: string, pos: number): number {
  const ranges = ts.getTrailingCommentRanges(text, pos);
  let end = pos;
  for (const r of ranges ?? []) {
    if (text.slice(pos, r.pos).includes('\n')) break;
    end = r.end;
  }
  return end;
}

/** Offsets of line breaks that sit inside template literals, whose text must not be re-indented. */
function templateBreaks(code: string, root?: ts.Node, offset = 0): Set<number> {
  const breaks = new Set<number>();
  if (!code.includes('`')) return breaks;
  const walk = (node: ts.Node): void => {
    if (
      node.kind === ts.SyntaxKind.NoSubstitutionTemplateLiteral ||
      node.kind === ts.SyntaxKind.TemplateHead ||
      node.kind === ts.SyntaxKind.TemplateMiddle ||
      node.kind === ts.SyntaxKind.TemplateTail
    ) {
      const start = node.getStart() - offset;
      const end = node.end - offset;
      for (let i = code.indexOf('\n', start); i !== -1 && i < end; i = code.indexOf('\n', i + 1)) breaks.add(i);
      return;
    }
    ts.forEachChild(node, walk);
  };
  walk(root ?? createSource(code));
  return breaks;
}

/**
 * Code as stored in the graph: lines after the first lose the indentation of the line the code
 * starts on, so it can be written back at any depth. Text inside template literals is kept.
 */
export function dedentCode(code: string, indent: string, root?: ts.Node, offset = 0): string {
  if (!code.includes('\n') || indent === '') return code;
  const breaks = templateBreaks(code, root, offset);
  let out = '';
  let from = 0;
  for (let i = code.indexOf('\n'); i !== -1; i = code.indexOf('\n', i + 1)) {
    out += code.slice(from, i + 1);
    from = i + 1;
    if (breaks.has(i)) continue;
    let strip = 0;
    while (strip < indent.length && from + strip < code.length && code[from + strip] === indent[strip]) strip++;
    from += strip;
  }
  return out + code.slice(from);
}

/** Writes stored code at a depth: lines after the first get `indent` (blank lines and template text stay as they are). */
export function indentCode(code: string, indent: string): string {
  if (!code.includes('\n') || indent === '') return code;
  const breaks = templateBreaks(code);
  let out = '';
  let from = 0;
  for (let i = code.indexOf('\n'); i !== -1; i = code.indexOf('\n', i + 1)) {
    out += code.slice(from, i + 1);
    from = i + 1;
    const next = code.indexOf('\n', from);
    const line = code.slice(from, next === -1 ? code.length : next);
    if (!breaks.has(i) && line.trim() !== '') out += indent;
  }
  return out + code.slice(from);
}
