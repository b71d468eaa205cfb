import { Lexer, type Token, type Tokens } from 'marked';
import { isSafeLink } from '../../../core/artifact-rules.js';

/**
 * Markdown as a tree of a few known elements and plain text, for React to build: no HTML string
 * is ever made, so nothing in an artifact can reach the page as markup. Raw HTML in the markdown
 * shows as its text; links are live only to web pages and mail.
 */
export type MarkdownTag =
  | 'h1'
  | 'h2'
  | 'h3'
  | 'h4'
  | 'h5'
  | 'h6'
  | 'p'
  | 'strong'
  | 'em'
  | 'del'
  | 'code'
  | 'pre'
  | 'blockquote'
  | 'ul'
  | 'ol'
  | 'li'
  | 'a'
  | 'hr'
  | 'br'
  | 'table'
  | 'thead'
  | 'tbody'
  | 'tr'
  | 'th'
  | 'td';

export type MarkdownNode =
  | { kind: 'text'; text: string }
  | {
      kind: 'element';
      tag: MarkdownTag;
      children: MarkdownNode[];
      /** Links only, and only a safe one. */
      href?: string;
      /** Ordered lists: the first number. */
      start?: number;
      /** Table cells. */
      align?: 'left' | 'center' | 'right';
    };

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

/** The lexer hands text with &, <, > and quotes escaped for HTML; React escapes again, so they are undone here. */
export function decodeEntities(text: string): string {
  return text.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (whole, name: string) => {
    if (name[0] === '#') {
      const code = name[1] === 'x' || name[1] === 'X' ? parseInt(name.slice(2), 16) : parseInt(name.slice(1), 10);
      return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : whole;
    }
    return ENTITIES[name.toLowerCase()] ?? whole;
  });
}

function text(value: string): MarkdownNode {
  return { kind: 'text', text: decodeEntities(value) };
}

function element(tag: MarkdownTag, children: MarkdownNode[], extra: Partial<Extract<MarkdownNode, { kind: 'element' }>> = {}): MarkdownNode {
  return { kind: 'element', tag, children, ...extra };
}

function inline(tokens: readonly Token[] | undefined): MarkdownNode[] {
  return (tokens ?? []).flatMap(inlineNode);
}

function inlineNode(token: Token): MarkdownNode[] {
  switch (token.type) {
    case 'strong':
      return [element('strong', inline((token as Tokens.Strong).tokens))];
    case 'em':
      return [element('em', inline((token as Tokens.Em).tokens))];
    case 'del':
      return [element('del', inline((token as Tokens.Del).tokens))];
    case 'codespan':
      return [element('code', [text((token as Tokens.Codespan).text)])];
    case 'br':
      return [element('br', [])];
    case 'link': {
      const link = token as Tokens.Link;
      const children = inline(link.tokens);
      // An unsafe link (javascript:, data:, ...) keeps its words and loses its target.
      return isSafeLink(link.href) ? [element('a', children, { href: link.href })] : children;
    }
    case 'image': {
      // Images are not loaded: an artifact must not make the page fetch from anywhere. The alt text and a link stand in.
      const image = token as Tokens.Image;
      const label = text(image.text || image.href);
      return isSafeLink(image.href) ? [element('a', [label], { href: image.href })] : [label];
    }
    case 'text': {
      const t = token as Tokens.Text;
      return t.tokens ? inline(t.tokens) : [text(t.text)];
    }
    case 'escape':
      return [text((token as Tokens.Escape).text)];
    case 'html':
    case 'tag':
      return [{ kind: 'text', text: (token as Tokens.HTML).raw }];
    default:
      return 'raw' in token ? [{ kind: 'text', text: String(token.raw) }] : [];
  }
}

function cell(tag: 'th' | 'td', tableCell: Tokens.TableCell): MarkdownNode {
  return element(tag, inline(tableCell.tokens), tableCell.align ? { align: tableCell.align } : {});
}

function blockNode(token: Token): MarkdownNode[] {
  switch (token.type) {
    case 'space':
    case 'def':
      return [];
    case 'heading': {
      const heading = token as Tokens.Heading;
      const depth = Math.min(Math.max(heading.depth, 1), 6);
      return [element(`h${depth}` as MarkdownTag, inline(heading.tokens))];
    }
    case 'paragraph':
      return [element('p', inline((token as Tokens.Paragraph).tokens))];
    case 'code':
      // The lexer leaves a fenced block's text as written.
      return [element('pre', [element('code', [{ kind: 'text', text: (token as Tokens.Code).text }])])];
    case 'blockquote':
      return [element('blockquote', blocks((token as Tokens.Blockquote).tokens))];
    case 'hr':
      return [element('hr', [])];
    case 'list': {
      const list = token as Tokens.List;
      const items = list.items.map((item) => element('li', blocks(item.tokens)));
      return [
        list.ordered ? element('ol', items, typeof list.start === 'number' && list.start !== 1 ? { start: list.start } : {}) : element('ul', items),
      ];
    }
    case 'table': {
      const table = token as Tokens.Table;
      return [
        element('table', [
          element('thead', [
            element(
              'tr',
              table.header.map((c) => cell('th', c)),
            ),
          ]),
          element(
            'tbody',
            table.rows.map((row) =>
              element(
                'tr',
                row.map((c) => cell('td', c)),
              ),
            ),
          ),
        ]),
      ];
    }
    case 'html':
      // Shown as what it is, text: never parsed, never run.
      return [element('p', [{ kind: 'text', text: (token as Tokens.HTML).raw.trim() }])];
    case 'text': {
      // Loose text at block level (a tight list item's words).
      const t = token as Tokens.Text;
      return t.tokens ? inline(t.tokens) : [text(t.text)];
    }
    default:
      return inlineNode(token);
  }
}

function blocks(tokens: readonly Token[]): MarkdownNode[] {
  return tokens.flatMap(blockNode);
}

/** The render tree of a markdown text. */
export function markdownTree(markdown: string): MarkdownNode[] {
  return blocks(Lexer.lex(markdown));
}
