import { createElement, Fragment, useMemo, type ReactNode } from 'react';
import { markdownTree, type MarkdownNode } from '../model/markdown-tree.js';

function render(node: MarkdownNode, key: number): ReactNode {
  if (node.kind === 'text') return <Fragment key={key}>{node.text}</Fragment>;
  const props: Record<string, unknown> = { key };
  if (node.tag === 'a' && node.href) {
    props.href = node.href;
    // A link out of an artifact opens elsewhere and gives the page it opens no hold on this one.
    props.target = '_blank';
    props.rel = 'noopener noreferrer nofollow';
  }
  if (node.start !== undefined) props.start = node.start;
  if (node.align) props.style = { textAlign: node.align };
  const children = node.children.map(render);
  return createElement(node.tag, props, ...(children.length > 0 ? children : []));
}

/** Markdown built as React elements from its tokens: text stays text, whatever the markdown holds. */
export function MarkdownView({ markdown }: { markdown: string }) {
  const tree = useMemo(() => markdownTree(markdown), [markdown]);
  return <div className="fd-markdown">{tree.map(render)}</div>;
}
