/**
 * Small, exact text changes. Graph edits become splices of the source so that everything they do
 * not touch (comments, formatting, hand-written code) stays byte for byte.
 */
import ts from 'typescript';
import {
  attachedCommentsStart,
  indentAt,
  indentCode,
  lineEndOf,
  lineStartOf,
  onlySpaceAfter,
  onlySpaceBefore,
  trailingCommentsEnd,
  type TextRange,
} from './syntax.js';

export interface Splice {
  start: number;
  end: number;
  text: string;
}

/** Applies splices made against the same text; insertions at one place keep their order. */
export function applySplices(source: string, splices: readonly Splice[]): string {
  const ordered = splices.map((s, i) => ({ ...s, i })).sort((a, b) => a.start - b.start || a.end - b.end || a.i - b.i);
  let out = '';
  let at = 0;
  for (const s of ordered) {
    if (s.start < at) {
      // Overlapping removals (two neighbouring statements going at once) merge.
      if (s.text === '' && s.end <= at) continue;
      if (s.text === '') {
        at = s.end;
        continue;
      }
      throw new Error(`overlapping changes at ${s.start}`);
    }
    out += source.slice(at, s.start) + s.text;
    at = s.end;
  }
  return out + source.slice(at);
}

/** The first position at or after `pos` that is not whitespace or a comment. */
function skipTrivia(text: string, pos: number): number {
  let i = pos;
  for (;;) {
    while (i < text.length && /\s/.test(text[i])) i++;
    if (text.startsWith('//', i)) i = lineEndOf(text, i);
    else if (text.startsWith('/*', i)) {
      const close = text.indexOf('*/', i + 2);
      i = close === -1 ? text.length : close + 2;
    } else return i;
  }
}

/** What removing a statement takes away: its own lines with the comments directly above it. */
export function statementRange(text: string, statement: ts.Node, withComments: boolean): TextRange {
  let start = (withComments ? attachedCommentsStart(text, statement) : undefined) ?? statement.getStart();
  let end = trailingCommentsEnd(text, statement.end);
  if (onlySpaceBefore(text, start) && onlySpaceAfter(text, end)) {
    start = lineStartOf(text, start);
    end = Math.min(lineEndOf(text, end) + 1, text.length);
    const previousBlank = start > 0 && text.slice(lineStartOf(text, start - 1), start - 1).trim() === '';
    const nextLineEnd = lineEndOf(text, end);
    const nextBlank = end < text.length && text.slice(end, nextLineEnd).trim() === '';
    const nextIsClose = /^\s*[})]/.test(text.slice(end, nextLineEnd + 1));
    // Do not leave two blank lines, or a blank line before a closing brace, where the statement was.
    if (nextBlank && (previousBlank || start === 0)) end = Math.min(nextLineEnd + 1, text.length);
    else if (previousBlank && nextIsClose && start > 0) start = lineStartOf(text, start - 1);
  }
  return { start, end };
}

export function ownsLines(text: string, statement: ts.Node): boolean {
  const start = attachedCommentsStart(text, statement) ?? statement.getStart();
  return onlySpaceBefore(text, start) && onlySpaceAfter(text, trailingCommentsEnd(text, statement.end));
}

/*
 * The inserting helpers take code whose first line is unindented and whose further lines are
 * already indented for where it goes, as the writers in write.ts produce it.
 */

/** Inserts a statement on its own line after another, optionally set apart by blank lines. */
export function insertAfter(text: string, statement: ts.Node, code: string, blankBefore = false, blankAfter = false): Splice {
  const indent = indentAt(text, statement.getStart());
  const end = trailingCommentsEnd(text, statement.end);
  const body = `${blankBefore ? '\n' : ''}${indent}${code}`;
  if (onlySpaceAfter(text, end)) {
    const lineEnd = lineEndOf(text, end);
    if (lineEnd === text.length) return { start: text.length, end: text.length, text: `\n${body}` };
    const nextLineBlank = text.slice(lineEnd + 1, lineEndOf(text, lineEnd + 1)).trim() === '';
    return { start: lineEnd + 1, end: lineEnd + 1, text: `${body}\n${blankAfter && !nextLineBlank ? '\n' : ''}` };
  }
  return { start: end, end, text: `\n${body}` };
}

/** Inserts a statement on its own line before another (and before the comments above it). */
export function insertBefore(text: string, statement: ts.Node, code: string, commentsStart?: number, blankLine = false): Splice {
  const first = commentsStart ?? attachedCommentsStart(text, statement) ?? statement.getStart();
  const indent = indentAt(text, statement.getStart());
  const body = `${indent}${code}\n${blankLine ? '\n' : ''}`;
  if (onlySpaceBefore(text, first)) {
    const at = lineStartOf(text, first);
    return { start: at, end: at, text: body };
  }
  return { start: first, end: first, text: `${body.trimStart()}${indent}` };
}

/** The indentation of the statements of a block (or one level deeper than its braces). */
export function blockIndent(text: string, block: ts.Block, unit = '  '): string {
  const first = block.statements[0];
  return first ? indentAt(text, first.getStart()) : indentAt(text, block.getStart()) + unit;
}

/** Appends a statement at the end of a block, before its closing brace. */
export function appendToBlock(text: string, block: ts.Block, code: string): Splice {
  const close = block.end - 1;
  const indent = blockIndent(text, block);
  const line = `${indent}${code}`;
  if (onlySpaceBefore(text, close)) {
    const at = lineStartOf(text, close);
    return { start: at, end: at, text: `${line}\n` };
  }
  return { start: close, end: close, text: `\n${line}\n${indentAt(text, close)}` };
}

interface ListInfo {
  elements: readonly ts.Node[];
  /** Just after the opening bracket, and at the closing one. */
  open: number;
  close: number;
  trailingComma: boolean;
  /** Objects get spaces inside their braces: `{ a: 1 }`. */
  padded: boolean;
}

export function objectList(object: ts.ObjectLiteralExpression): ListInfo {
  return {
    elements: object.properties,
    open: object.getStart() + 1,
    close: object.end - 1,
    trailingComma: !!object.properties.hasTrailingComma,
    padded: true,
  };
}

export function argumentList(call: ts.CallExpression): ListInfo {
  return { elements: call.arguments, open: call.arguments.pos, close: call.end - 1, trailingComma: !!call.arguments.hasTrailingComma, padded: false };
}

export function namedImportList(named: ts.NamedImports): ListInfo {
  return {
    elements: named.elements,
    open: named.getStart() + 1,
    close: named.end - 1,
    trailingComma: !!named.elements.hasTrailingComma,
    padded: true,
  };
}

function isMultiline(text: string, list: ListInfo): boolean {
  const last = list.elements[list.elements.length - 1];
  return text.slice(list.open, list.close).includes('\n') && onlySpaceBefore(text, last.getStart());
}

function commaAfter(text: string, pos: number): number | undefined {
  const i = skipTrivia(text, pos);
  return text[i] === ',' ? i : undefined;
}

/** Adds an element at the end of a list, in the list's own layout. */
export function addListElement(text: string, list: ListInfo, element: string): Splice[] {
  if (list.elements.length === 0) {
    return [{ start: list.open, end: list.close, text: list.padded ? ` ${element} ` : element }];
  }
  const last = list.elements[list.elements.length - 1];
  if (isMultiline(text, list)) {
    const indent = indentAt(text, last.getStart());
    const comma = list.trailingComma ? commaAfter(text, last.end) : undefined;
    const after = trailingCommentsEnd(text, comma !== undefined ? comma + 1 : last.end);
    const line = `\n${indent}${indentCode(element, indent)}${list.trailingComma ? ',' : ''}`;
    const splices: Splice[] = [{ start: after, end: after, text: line }];
    if (!list.trailingComma) splices.unshift({ start: last.end, end: last.end, text: ',' });
    return splices;
  }
  return [{ start: last.end, end: last.end, text: `, ${element}` }];
}

/** Inserts an element before the element at `index`, in the list's own layout. */
export function insertListElement(text: string, list: ListInfo, index: number, element: string): Splice[] {
  if (index >= list.elements.length) return addListElement(text, list, element);
  const at = list.elements[index].getStart();
  if (isMultiline(text, list)) {
    const indent = indentAt(text, at);
    return [{ start: lineStartOf(text, at), end: lineStartOf(text, at), text: `${indent}${indentCode(element, indent)},\n` }];
  }
  return [{ start: at, end: at, text: `${element}, ` }];
}

/** Removes the element at `index` with its comma, leaving the rest of the list as it was. */
export function removeListElement(text: string, list: ListInfo, index: number): Splice[] {
  const { elements } = list;
  const element = elements[index];
  const start = attachedCommentsStart(text, element) ?? element.getStart();
  if (elements.length === 1) return [{ start: list.open, end: list.close, text: '' }];
  if (index < elements.length - 1) {
    const next = attachedCommentsStart(text, elements[index + 1]) ?? elements[index + 1].getStart();
    if (onlySpaceBefore(text, start) && onlySpaceBefore(text, next))
      return [{ start: lineStartOf(text, start), end: lineStartOf(text, next), text: '' }];
    return [{ start, end: next, text: '' }];
  }
  const previous = elements[index - 1];
  if (isMultiline(text, list)) {
    const comma = list.trailingComma ? commaAfter(text, element.end) : undefined;
    const end = trailingCommentsEnd(text, comma !== undefined ? comma + 1 : element.end);
    const splices: Splice[] = [{ start: lineStartOf(text, start), end: Math.min(lineEndOf(text, end) + 1, text.length), text: '' }];
    if (!list.trailingComma) {
      const previousComma = commaAfter(text, previous.end);
      if (previousComma !== undefined) splices.push({ start: previousComma, end: previousComma + 1, text: '' });
    }
    return splices;
  }
  return [{ start: previous.end, end: element.end, text: '' }];
}
