import { describe, expect, it } from 'vitest';
import {
  COLLAPSED_WIDTH,
  DEFAULT_PANELS,
  draggedWidth,
  gridColumns,
  KEY_STEP,
  PANEL_LIMITS,
  PANEL_STORAGE_KEY,
  readPanelLayout,
  resizePanel,
  splitterKey,
  togglePanel,
  writePanelLayout,
} from '../../app/renderer/builder/model/panel-layout.js';

function memoryStorage(initial: Record<string, string> = {}) {
  const items = new Map(Object.entries(initial));
  return { getItem: (key: string) => items.get(key) ?? null, setItem: (key: string, value: string) => void items.set(key, value), items };
}

describe('side panel layout', () => {
  it('is remembered in storage, and anything missing or malformed there gives the defaults', () => {
    const storage = memoryStorage();
    expect(readPanelLayout(storage)).toEqual(DEFAULT_PANELS);
    expect(readPanelLayout(undefined)).toEqual(DEFAULT_PANELS);
    const changed = togglePanel(resizePanel(DEFAULT_PANELS, 'inspector', 400), 'palette');
    writePanelLayout(storage, changed);
    expect(readPanelLayout(storage)).toEqual({ palette: { width: 232, collapsed: true }, inspector: { width: 400, collapsed: false } });
    expect(readPanelLayout(memoryStorage({ [PANEL_STORAGE_KEY]: '{not json' }))).toEqual(DEFAULT_PANELS);
    expect(readPanelLayout(memoryStorage({ [PANEL_STORAGE_KEY]: '{"palette":{"width":5000,"collapsed":"yes"},"inspector":7}' }))).toEqual({
      palette: { width: PANEL_LIMITS.palette.max, collapsed: false },
      inspector: DEFAULT_PANELS.inspector,
    });
    // A storage that refuses writes only means nothing is remembered.
    expect(() =>
      writePanelLayout(
        {
          getItem: () => null,
          setItem: () => {
            throw new Error('quota');
          },
        },
        changed,
      ),
    ).not.toThrow();
  });

  it('keeps widths within limits; resizing a collapsed panel opens it', () => {
    expect(resizePanel(DEFAULT_PANELS, 'palette', 10).palette.width).toBe(PANEL_LIMITS.palette.min);
    expect(resizePanel(DEFAULT_PANELS, 'inspector', 9999).inspector.width).toBe(PANEL_LIMITS.inspector.max);
    expect(resizePanel(togglePanel(DEFAULT_PANELS, 'palette'), 'palette', 300).palette).toEqual({ width: 300, collapsed: false });
    // Dragging right widens the palette and narrows the inspector.
    expect(draggedWidth('palette', 232, 50)).toBe(282);
    expect(draggedWidth('inspector', 280, 50)).toBe(230);
  });

  it('moves a focused splitter with the arrow keys, Home and End, and collapses it with Enter', () => {
    expect(splitterKey(DEFAULT_PANELS, 'palette', 'ArrowRight')!.palette.width).toBe(232 + KEY_STEP);
    expect(splitterKey(DEFAULT_PANELS, 'palette', 'ArrowLeft', true)!.palette.width).toBe(232 - 4 * KEY_STEP);
    expect(splitterKey(DEFAULT_PANELS, 'inspector', 'ArrowLeft')!.inspector.width).toBe(280 + KEY_STEP);
    expect(splitterKey(DEFAULT_PANELS, 'inspector', 'Home')!.inspector.width).toBe(PANEL_LIMITS.inspector.min);
    expect(splitterKey(DEFAULT_PANELS, 'inspector', 'End')!.inspector.width).toBe(PANEL_LIMITS.inspector.max);
    expect(splitterKey(DEFAULT_PANELS, 'palette', 'Enter')!.palette.collapsed).toBe(true);
    expect(splitterKey(DEFAULT_PANELS, 'palette', 'a')).toBeNull();
  });

  it('lays the builder out in columns that give a collapsed panel a rail and no splitter', () => {
    expect(gridColumns(DEFAULT_PANELS, 500)).toBe('232px 6px minmax(320px, 1fr) 6px 280px 6px 500px');
    expect(gridColumns(togglePanel(togglePanel(DEFAULT_PANELS, 'palette'), 'inspector'), 500)).toBe(
      `${COLLAPSED_WIDTH}px 0px minmax(320px, 1fr) 0px ${COLLAPSED_WIDTH}px 6px 500px`,
    );
  });
});
