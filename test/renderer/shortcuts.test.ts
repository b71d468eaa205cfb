import { describe, expect, it } from 'vitest';
import {
  handleShortcut,
  keysLabel,
  pressMatches,
  SHORTCUT_GROUPS,
  SHORTCUTS,
  shortcutFor,
  type KeyPress,
} from '../../app/renderer/shared/shortcuts.js';

function press(key: string, modifiers: Partial<Omit<KeyPress, 'key'>> = {}): KeyPress {
  return { key, ctrlKey: false, metaKey: false, shiftKey: false, altKey: false, ...modifiers };
}

describe('the shortcuts table', () => {
  it('names each shortcut once, in a group the panel shows, with keys', () => {
    const ids = SHORTCUTS.map((shortcut) => shortcut.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const shortcut of SHORTCUTS) {
      expect(Object.keys(SHORTCUT_GROUPS)).toContain(shortcut.group);
      expect(shortcut.keys.length).toBeGreaterThan(0);
    }
    for (const group of Object.keys(SHORTCUT_GROUPS)) expect(SHORTCUTS.some((shortcut) => shortcut.group === group)).toBe(true);
  });

  it('gives no two shortcuts of a group the same key', () => {
    for (const group of Object.keys(SHORTCUT_GROUPS)) {
      const keys = SHORTCUTS.filter((shortcut) => shortcut.group === group).flatMap((shortcut) => shortcut.keys.map((k) => k.toLowerCase()));
      expect(new Set(keys).size, group).toBe(keys.length);
    }
  });
});

describe('matching a key press', () => {
  it('takes Ctrl or ⌘ for Mod, and wants exactly the modifiers written', () => {
    expect(pressMatches(press('s', { ctrlKey: true }), 'Mod+S')).toBe(true);
    expect(pressMatches(press('s', { metaKey: true }), 'Mod+S')).toBe(true);
    expect(pressMatches(press('s'), 'Mod+S')).toBe(false);
    expect(pressMatches(press('S', { ctrlKey: true, shiftKey: true }), 'Mod+S')).toBe(false);
    expect(pressMatches(press('S', { ctrlKey: true, shiftKey: true }), 'Mod+Shift+S')).toBe(true);
    expect(pressMatches(press('s', { ctrlKey: true, altKey: true }), 'Mod+S')).toBe(false);
    expect(pressMatches(press('f', { ctrlKey: true }), 'F')).toBe(false);
  });

  it('counts Shift for letters and named keys, not for a character Shift types', () => {
    expect(pressMatches(press('?', { shiftKey: true }), '?')).toBe(true);
    expect(pressMatches(press('?'), '?')).toBe(true);
    expect(pressMatches(press('Enter', { shiftKey: true }), 'Enter')).toBe(false);
    expect(pressMatches(press('Enter', { shiftKey: true }), 'Shift+Enter')).toBe(true);
    expect(pressMatches(press('Escape'), 'Escape')).toBe(true);
  });

  it('finds the shortcut of the group a press is, and only of that group', () => {
    expect(shortcutFor(press('s', { ctrlKey: true }), 'builder')?.id).toBe('builder.save');
    expect(shortcutFor(press('S', { metaKey: true, shiftKey: true }), 'builder')?.id).toBe('builder.saveAs');
    expect(shortcutFor(press('y', { ctrlKey: true }), 'builder')?.id).toBe('builder.redo');
    expect(shortcutFor(press('Backspace'), 'canvas')?.id).toBe('canvas.delete');
    expect(shortcutFor(press('Enter'), 'runsList')?.id).toBe('runsList.open');
    expect(shortcutFor(press('Enter'), 'builder')).toBeUndefined();
    expect(shortcutFor(press('x'), 'builder')).toBeUndefined();
  });
});

describe('handling a key press', () => {
  const handled: string[] = [];
  const handlers = {
    'builderFind.next': () => handled.push('next'),
    'builderFind.previous': () => handled.push('previous'),
    'builderFind.close': () => handled.push('close'),
  };

  it("runs the handler of the press's shortcut, unless it is not allowed here", () => {
    expect(handleShortcut(press('Enter', { shiftKey: true }), 'builderFind', handlers)).toBe(true);
    expect(handleShortcut(press('Escape'), 'builderFind', handlers, () => false)).toBe(false);
    expect(handleShortcut(press('a'), 'builderFind', handlers)).toBe(false);
    expect(handled).toEqual(['previous']);
  });
});

describe('writing keys for the panel', () => {
  it("writes Mod as this machine's key, and arrows as arrows", () => {
    expect(keysLabel('Mod+Shift+S', false)).toBe('Ctrl+Shift+S');
    expect(keysLabel('Mod+Enter', true)).toBe('⌘+Enter');
    expect(keysLabel('ArrowDown', false)).toBe('↓');
    expect(keysLabel('?', false)).toBe('?');
  });
});
