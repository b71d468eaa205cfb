import type { ReactNode } from 'react';
import {
  draggedWidth,
  PANEL_LIMITS,
  resizePanel,
  splitterKey,
  togglePanel,
  type PanelLayout,
  type SidePanel as Panel,
} from '../model/panel-layout.js';

const NAMES: Record<Panel, { title: string; shortcut: string; hide: string; show: string }> = {
  palette: { title: 'Nodes', shortcut: 'Ctrl+B', hide: '«', show: '»' },
  inspector: { title: 'Side panel', shortcut: 'Ctrl+I', hide: '»', show: '«' },
};

interface Props {
  panel: Panel;
  layout: PanelLayout;
  onChange: (change: (layout: PanelLayout) => PanelLayout) => void;
}

/** A side panel with a button that hides it; hidden, a narrow rail with a button that shows it again. */
export function SidePanel({ panel, layout, onChange, children }: Props & { children: ReactNode }) {
  const names = NAMES[panel];
  const toggle = () => onChange((current) => togglePanel(current, panel));
  if (layout[panel].collapsed) {
    return (
      <div className={`fd-side-rail is-${panel}`} data-testid={`${panel}-rail`}>
        <button
          type="button"
          className="fd-side-toggle"
          onClick={toggle}
          aria-label={`Show the ${names.title.toLowerCase()} (${names.shortcut})`}
          title={`Show (${names.shortcut})`}
        >
          {names.show}
        </button>
        <span className="fd-side-rail-label">{names.title}</span>
      </div>
    );
  }
  return (
    <div className={`fd-side is-${panel}`} data-testid={`${panel}-panel`}>
      <div className="fd-side-head">
        <span>{names.title}</span>
        <button
          type="button"
          className="fd-side-toggle"
          onClick={toggle}
          aria-label={`Hide the ${names.title.toLowerCase()} (${names.shortcut})`}
          title={`Hide (${names.shortcut})`}
        >
          {names.hide}
        </button>
      </div>
      {children}
    </div>
  );
}

/** Drag, or focus and press the arrow keys, to give a side panel more or less room; Enter hides it. */
export function PanelSplitter({ panel, layout, onChange }: Props) {
  const state = layout[panel];
  if (state.collapsed) return <div className="fd-splitter is-collapsed" aria-hidden="true" />;
  return (
    <div
      className="fd-splitter"
      role="separator"
      tabIndex={0}
      aria-orientation="vertical"
      aria-label={`Resize the ${NAMES[panel].title.toLowerCase()}`}
      aria-valuemin={PANEL_LIMITS[panel].min}
      aria-valuemax={PANEL_LIMITS[panel].max}
      aria-valuenow={state.width}
      data-testid={`${panel}-splitter`}
      onKeyDown={(event) => {
        const next = splitterKey(layout, panel, event.key, event.shiftKey);
        if (!next) return;
        event.preventDefault();
        onChange(() => next);
      }}
      onPointerDown={(event) => {
        const startX = event.clientX;
        const startWidth = state.width;
        const target = event.currentTarget;
        target.setPointerCapture(event.pointerId);
        const move = (e: PointerEvent) => onChange((current) => resizePanel(current, panel, draggedWidth(panel, startWidth, e.clientX - startX)));
        const up = () => {
          target.removeEventListener('pointermove', move);
          target.removeEventListener('pointerup', up);
        };
        target.addEventListener('pointermove', move);
        target.addEventListener('pointerup', up);
      }}
    />
  );
}
