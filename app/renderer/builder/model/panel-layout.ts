/**
 * The widths of the builder's side panels (palette on the left, inspector on the right) and
 * whether each is collapsed: changed by dragging or arrow keys on a splitter, remembered in web
 * storage so a reload keeps the room a person made.
 */
import type { KeyValueStorage } from '../../shared/key-value-storage.js';

export type SidePanel = 'palette' | 'inspector';

interface PanelState {
  width: number;
  collapsed: boolean;
}

export type PanelLayout = Record<SidePanel, PanelState>;

export const PANEL_LIMITS: Record<SidePanel, { min: number; max: number; initial: number }> = {
  palette: { min: 160, max: 420, initial: 232 },
  inspector: { min: 220, max: 640, initial: 280 },
};

/** How wide a collapsed panel's rail is: room for the button that opens it again. */
export const COLLAPSED_WIDTH = 28;
/** How wide a splitter is. */
const SPLITTER_WIDTH = 6;
/** How far one arrow key moves a splitter; with Shift, four times as far. */
export const KEY_STEP = 16;

export const PANEL_STORAGE_KEY = 'flowdeck.builder.panels';

export const DEFAULT_PANELS: PanelLayout = {
  palette: { width: PANEL_LIMITS.palette.initial, collapsed: false },
  inspector: { width: PANEL_LIMITS.inspector.initial, collapsed: false },
};

function clampWidth(panel: SidePanel, width: number): number {
  const { min, max, initial } = PANEL_LIMITS[panel];
  if (!Number.isFinite(width)) return initial;
  return Math.round(Math.min(max, Math.max(min, width)));
}

function readPanel(panel: SidePanel, value: unknown): PanelState {
  const fallback = DEFAULT_PANELS[panel];
  if (typeof value !== 'object' || value === null) return fallback;
  const { width, collapsed } = value as Record<string, unknown>;
  return {
    width: typeof width === 'number' ? clampWidth(panel, width) : fallback.width,
    collapsed: typeof collapsed === 'boolean' ? collapsed : fallback.collapsed,
  };
}

/** The remembered layout; anything missing or malformed in storage gives the defaults. */
export function readPanelLayout(storage: KeyValueStorage | undefined): PanelLayout {
  let saved: unknown;
  try {
    saved = JSON.parse(storage?.getItem(PANEL_STORAGE_KEY) ?? 'null');
  } catch {
    return DEFAULT_PANELS;
  }
  if (typeof saved !== 'object' || saved === null) return DEFAULT_PANELS;
  const record = saved as Record<string, unknown>;
  return { palette: readPanel('palette', record.palette), inspector: readPanel('inspector', record.inspector) };
}

export function writePanelLayout(storage: KeyValueStorage | undefined, layout: PanelLayout): void {
  try {
    storage?.setItem(PANEL_STORAGE_KEY, JSON.stringify(layout));
  } catch {
    // A full or refused storage only means the layout is not remembered.
  }
}

/** A panel at a new width, within its limits; resizing a collapsed panel opens it. */
export function resizePanel(layout: PanelLayout, panel: SidePanel, width: number): PanelLayout {
  return { ...layout, [panel]: { width: clampWidth(panel, width), collapsed: false } };
}

export function togglePanel(layout: PanelLayout, panel: SidePanel): PanelLayout {
  return { ...layout, [panel]: { ...layout[panel], collapsed: !layout[panel].collapsed } };
}

/**
 * A key pressed on a panel's splitter: arrows move the splitter (so the palette grows to the right
 * and the inspector to the left), Home and End go to the narrowest and widest, Enter collapses or
 * opens. Null for keys the splitter does not take.
 */
export function splitterKey(layout: PanelLayout, panel: SidePanel, key: string, shift = false): PanelLayout | null {
  const step = shift ? KEY_STEP * 4 : KEY_STEP;
  const grows = panel === 'palette' ? 'ArrowRight' : 'ArrowLeft';
  const shrinks = panel === 'palette' ? 'ArrowLeft' : 'ArrowRight';
  const width = layout[panel].width;
  switch (key) {
    case grows:
      return resizePanel(layout, panel, width + step);
    case shrinks:
      return resizePanel(layout, panel, width - step);
    case 'Home':
      return resizePanel(layout, panel, PANEL_LIMITS[panel].min);
    case 'End':
      return resizePanel(layout, panel, PANEL_LIMITS[panel].max);
    case 'Enter':
      return togglePanel(layout, panel);
    default:
      return null;
  }
}

/** A panel's width after the pointer moved `dx` pixels from where a drag began at `startWidth`. */
export function draggedWidth(panel: SidePanel, startWidth: number, dx: number): number {
  return clampWidth(panel, panel === 'palette' ? startWidth + dx : startWidth - dx);
}

/**
 * The builder's grid columns, in the order its parts are laid out: palette (or its rail), its
 * splitter, canvas, the inspector's splitter, inspector (or its rail), the code's splitter, code.
 * A collapsed panel has no splitter of its own: its column is empty.
 */
export function gridColumns(layout: PanelLayout, codeWidth: number): string {
  const side = (panel: SidePanel) => (layout[panel].collapsed ? `${COLLAPSED_WIDTH}px` : `${layout[panel].width}px`);
  const splitter = (panel: SidePanel) => (layout[panel].collapsed ? '0px' : `${SPLITTER_WIDTH}px`);
  return [
    side('palette'),
    splitter('palette'),
    'minmax(320px, 1fr)',
    splitter('inspector'),
    side('inspector'),
    `${SPLITTER_WIDTH}px`,
    `${codeWidth}px`,
  ].join(' ');
}
