import { useMemo, useState, type DragEvent } from 'react';
import { NODE_KINDS, type NodeKind } from '../../../core/flow-document/node-kinds.js';
import { KIND_DRAG_TYPE } from './Canvas.js';
import { useBuilderServices } from './builder-context.js';
import { CATEGORY_LABELS, kindGlyph } from './kind-look.js';

/** The node kinds, grouped by what they work on: drag one onto the canvas, or click to add it. */
export function Palette() {
  const { store } = useBuilderServices();
  const [filter, setFilter] = useState('');
  const groups = useMemo(() => {
    const needle = filter.trim().toLowerCase();
    const shown = NODE_KINDS.filter(
      (kind) =>
        !needle ||
        kind.label.toLowerCase().includes(needle) ||
        kind.description.toLowerCase().includes(needle) ||
        kind.id.toLowerCase().includes(needle),
    );
    const byCategory = new Map<string, NodeKind[]>();
    for (const kind of shown) byCategory.set(kind.category, [...(byCategory.get(kind.category) ?? []), kind]);
    return [...byCategory.entries()];
  }, [filter]);

  // With one step inside a branch arm selected, a click adds the new step after it, in that arm.
  const addByClick = (kind: string) => {
    const state = store.getState();
    const selected = state.selection.length === 1 ? state.graph.nodes.find((n) => n.id === state.selection[0]) : undefined;
    state.addNode(kind, undefined, selected?.scope ? { after: selected.id } : {});
  };

  const onDragStart = (event: DragEvent, kind: string) => {
    event.dataTransfer.setData(KIND_DRAG_TYPE, kind);
    event.dataTransfer.effectAllowed = 'copy';
  };

  return (
    <aside className="fd-palette" aria-label="Node palette">
      <input
        className="fd-palette-filter"
        type="search"
        placeholder="Find a node kind"
        value={filter}
        onChange={(e) => setFilter(e.target.value)}
        aria-label="Find a node kind"
      />
      {groups.length === 0 ? <p className="fd-muted">No node kind matches “{filter}”.</p> : null}
      {groups.map(([category, kinds]) => (
        <section key={category} className="fd-palette-group">
          <h3>{CATEGORY_LABELS[category] ?? category}</h3>
          {kinds.map((kind) => (
            <button
              key={kind.id}
              type="button"
              className="fd-palette-item"
              draggable
              data-kind={kind.id}
              title={`${kind.description}. Drag onto the canvas, or click to add.`}
              onDragStart={(e) => onDragStart(e, kind.id)}
              onClick={() => addByClick(kind.id)}
            >
              <span className="fd-palette-glyph" aria-hidden="true">
                {kindGlyph(kind.id)}
              </span>
              <span className="fd-palette-text">
                <span className="fd-palette-label">{kind.label}</span>
                <span className="fd-palette-desc">{kind.description}</span>
              </span>
            </button>
          ))}
        </section>
      ))}
    </aside>
  );
}
