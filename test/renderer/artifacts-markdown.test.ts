// Markdown in artifacts becomes a tree of a few known elements and plain text: raw HTML stays
// text, links go only to web pages and mail, and entities read as the characters they stand for.
import { describe, expect, it } from 'vitest';
import { markdownTree, type MarkdownNode } from '../../app/renderer/artifacts/model/markdown-tree.js';

/** Every element tag and link target in a tree. */
function walk(nodes: MarkdownNode[], seen: { tags: string[]; hrefs: string[]; text: string[] } = { tags: [], hrefs: [], text: [] }) {
  for (const node of nodes) {
    if (node.kind === 'text') seen.text.push(node.text);
    else {
      seen.tags.push(node.tag);
      if (node.href !== undefined) seen.hrefs.push(node.href);
      walk(node.children, seen);
    }
  }
  return seen;
}

describe('the markdown of an artifact', () => {
  it('becomes headings, paragraphs, emphasis, code, lists, quotes and tables', () => {
    const tree = markdownTree(
      '# Title\n\nSome **bold**, *em*, ~~gone~~ and `a<b`.\n\n> quoted\n\n3. three\n4. four\n\n- a\n- b\n\n```\nx < y\n```\n\n| n | v |\n|:-|-:|\n| 1 | 2 |\n\n---',
    );
    expect(tree.map((node) => (node.kind === 'element' ? node.tag : 'text'))).toEqual(['h1', 'p', 'blockquote', 'ol', 'ul', 'pre', 'table', 'hr']);
    const seen = walk(tree);
    expect(seen.tags).toEqual(expect.arrayContaining(['strong', 'em', 'del', 'code', 'li', 'thead', 'tbody', 'th', 'td']));
    expect(seen.text).toContain('a<b');
    expect(seen.text).toContain('x < y');
    expect(tree[3]).toMatchObject({ tag: 'ol', start: 3 });
    const table = walk([tree[6]]);
    expect(table.text).toEqual(['n', 'v', '1', '2']);
    expect(JSON.stringify(tree[6])).toContain('"align":"right"');
  });

  it('keeps raw HTML as text: a script or an event handler never becomes an element', () => {
    const tree = markdownTree(
      '<script>alert(1)</script>\n\nHello <img src=x onerror="alert(2)"> and <b>bold</b>\n\n<iframe src="https://evil"></iframe>',
    );
    const seen = walk(tree);
    expect(seen.tags.every((tag) => ['p'].includes(tag))).toBe(true);
    expect(seen.text.join('')).toContain('<script>alert(1)</script>');
    expect(seen.text.join('')).toContain('<img src=x onerror="alert(2)">');
    expect(seen.text.join('')).toContain('<iframe src="https://evil"></iframe>');
  });

  it('makes links live only to http, https and mailto; others keep their words and lose their target', () => {
    const seen = walk(
      markdownTree(
        '[web](https://example.com/a?b=1&c=2) [plain](http://x.test) [mail](mailto:a@b.c) [js](javascript:alert(1)) [JS](JAVASCRIPT:alert(1)) ' +
          '[data](data:text/html,<b>x</b>) [vb](vbscript:x) [rel](/api/flow-runs) <javascript:alert(3)> ![pic](javascript:alert(4))',
      ),
    );
    expect(seen.hrefs).toEqual(['https://example.com/a?b=1&c=2', 'http://x.test', 'mailto:a@b.c']);
    expect(seen.text).toEqual(expect.arrayContaining(['js', 'JS', 'data', 'vb', 'rel', 'pic']));
  });

  it('shows an image as a link to it rather than loading it', () => {
    const tree = markdownTree('![chart](https://example.com/chart.png)');
    expect(walk(tree)).toMatchObject({ tags: ['p', 'a'], hrefs: ['https://example.com/chart.png'], text: ['chart'] });
  });

  it('reads entities as the characters they stand for', () => {
    const seen = walk(markdownTree('Tom &amp; Jerry say "hi" &lt;3 &#169; &#x263A;'));
    expect(seen.text.join('')).toBe('Tom & Jerry say "hi" <3 © ☺');
  });
});
