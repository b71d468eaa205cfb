/**
 * The source text as the graph keeps it: the file's header comment, comments that belong to a
 * statement, and unparsed regions (code the graph cannot show as steps), each verbatim.
 */
import ts from 'typescript';
import type { RegionScope, Span, UnparsedRegion } from './graph.js';
import { attachedCommentsStart, dedentCode, indentAt, trailingCommentsEnd } from './syntax.js';

function hash(text: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0).toString(36).padStart(7, '0').slice(-6);
}

export function spanOf(node: ts.Node): Span {
  return { start: node.getStart(), end: node.end };
}

export class SourceText {
  readonly regions: UnparsedRegion[] = [];
  /** The comment at the top of the file, if any. */
  readonly header?: string;
  private readonly headerEnd: number = 0;
  private readonly regionIds = new Set<string>();

  constructor(
    readonly source: string,
    readonly file: ts.SourceFile,
  ) {
    // The header is what comes before the first import, or is set apart from the first statement by a blank line.
    const first = file.statements[0];
    const ranges = ts.getLeadingCommentRanges(source, (first ?? file.endOfFileToken).pos) ?? [];
    let last = -1;
    if (!first || ts.isImportDeclaration(first)) last = ranges.length - 1;
    else {
      const attached = attachedCommentsStart(source, first);
      for (let i = 0; i < ranges.length; i++) if (attached === undefined || ranges[i].pos < attached) last = i;
    }
    if (last >= 0) {
      this.header = source.slice(ranges[0].pos, ranges[last].end);
      this.headerEnd = ranges[last].end;
    }
  }

  text(node: ts.Node): string {
    return this.source.slice(node.getStart(), node.end);
  }

  /** Source text kept in the graph, its indentation made relative to the line it starts on. */
  code(node: ts.Node, start = node.getStart(), end = node.end): string {
    return dedentCode(this.source.slice(start, end), indentAt(this.source, start), node, start);
  }

  /** The comments above a statement (never the file's header). */
  commentsOf(node: ts.Node): { text: string; span: Span } | undefined {
    const ranges = (ts.getLeadingCommentRanges(this.source, node.pos) ?? []).filter((r) => r.pos >= this.headerEnd);
    if (ranges.length === 0) return undefined;
    const span = { start: ranges[0].pos, end: ranges[ranges.length - 1].end };
    return { text: dedentCode(this.source.slice(span.start, span.end), indentAt(this.source, span.start)), span };
  }

  add(code: string, scope: RegionScope, after: string | null, span: Span): string {
    const base = `code-${hash(code)}`;
    let id = base;
    for (let n = 2; this.regionIds.has(id); n++) id = `${base}-${n}`;
    this.regionIds.add(id);
    this.regions.push({ id, code, scope, after, span });
    return id;
  }

  /** A statement with its comments, as a region. */
  addStatement(statement: ts.Statement, scope: RegionScope, after: string | null): string {
    const start = this.commentsOf(statement)?.span.start ?? statement.getStart();
    const end = trailingCommentsEnd(this.source, statement.end);
    return this.add(this.code(statement, start, end), scope, after, { start, end });
  }

  /** The comments above a statement that is shown as a step, as a region just before it. */
  addComments(statement: ts.Statement, scope: RegionScope, after: string | null): void {
    const comments = this.commentsOf(statement);
    if (comments) this.add(comments.text, scope, after, comments.span);
  }

  /** Comments after the last statement of a block or file, which no statement carries. */
  addTrailingComments(from: number, scope: RegionScope, after: string | null): void {
    const ranges = (ts.getLeadingCommentRanges(this.source, from) ?? []).filter((r) => r.pos >= from && r.pos >= this.headerEnd);
    if (ranges.length === 0) return;
    const span = { start: ranges[0].pos, end: ranges[ranges.length - 1].end };
    this.add(dedentCode(this.source.slice(span.start, span.end), indentAt(this.source, span.start)), scope, after, span);
  }
}
