/**
 * Every keyboard shortcut of the app in one table: the handlers find what a key press means here,
 * and the shortcuts panel (`?`) lists the same rows, so the two cannot drift apart.
 */

/** Where a shortcut acts, in the order the shortcuts panel shows them. */
export const SHORTCUT_GROUPS = {
  app: 'Anywhere',
  dialog: 'In a dialog',
  builder: 'Builder',
  canvas: 'Builder: the canvas',
  clipboard: 'Builder: copying nodes',
  builderFind: 'Builder: finding a node',
  runsSearch: 'Runs: the search field',
  runsList: 'Runs: the list',
  logsFind: 'Flow run: finding in logs',
  runDebug: 'Flow run: at a breakpoint',
} as const;

export type ShortcutGroup = keyof typeof SHORTCUT_GROUPS;

interface Shortcut {
  readonly id: string;
  readonly group: ShortcutGroup;
  readonly label: string;
  /** Each a key with its modifiers, "Mod" meaning Ctrl (or ⌘ on a Mac): "Mod+Shift+S", "Escape", "?". */
  readonly keys: readonly string[];
  /** Acts while typing in a field or the code editor, and over a dialog, rather than leaving the key to them. */
  readonly anywhere?: boolean;
}

export const SHORTCUTS = [
  { id: 'app.shortcuts', group: 'app', label: 'Show the keyboard shortcuts', keys: ['?'] },
  { id: 'dialog.cancel', group: 'dialog', label: 'Cancel, or close', keys: ['Escape'] },

  { id: 'builder.save', group: 'builder', label: 'Save', keys: ['Mod+S'], anywhere: true },
  { id: 'builder.saveAs', group: 'builder', label: 'Save as…', keys: ['Mod+Shift+S'], anywhere: true },
  { id: 'builder.run', group: 'builder', label: 'Run', keys: ['Mod+Enter'], anywhere: true },
  { id: 'builder.deploy', group: 'builder', label: 'Deploy the flow…', keys: ['Mod+Shift+Enter'] },
  { id: 'builder.debug', group: 'builder', label: 'Debug: run, stopping at breakpoints', keys: ['F5'], anywhere: true },
  { id: 'builder.toggleBreakpoint', group: 'builder', label: "Set or clear the selected node's breakpoint", keys: ['F9'] },
  { id: 'builder.undo', group: 'builder', label: 'Undo', keys: ['Mod+Z'] },
  { id: 'builder.redo', group: 'builder', label: 'Redo', keys: ['Mod+Shift+Z', 'Mod+Y'] },
  { id: 'builder.selectAll', group: 'builder', label: 'Select every node', keys: ['Mod+A'] },
  { id: 'builder.togglePalette', group: 'builder', label: 'Show or hide the palette', keys: ['Mod+B'] },
  { id: 'builder.toggleInspector', group: 'builder', label: 'Show or hide the side panel', keys: ['Mod+I'] },
  { id: 'builder.find', group: 'builder', label: 'Find a node', keys: ['Mod+F'] },
  { id: 'builder.fitView', group: 'builder', label: 'Fit the flow in view', keys: ['F'] },
  { id: 'builder.autoLayout', group: 'builder', label: 'Lay the nodes out again', keys: ['L'] },
  { id: 'builder.escape', group: 'builder', label: 'Close the search, or clear the selection', keys: ['Escape'] },

  { id: 'canvas.delete', group: 'canvas', label: 'Delete the selected nodes and connections', keys: ['Delete', 'Backspace'] },

  // The browser turns these keys (and its Edit menu) into clipboard events, which the handlers take.
  { id: 'clipboard.copy', group: 'clipboard', label: 'Copy the selected nodes', keys: ['Mod+C'] },
  { id: 'clipboard.cut', group: 'clipboard', label: 'Cut the selected nodes', keys: ['Mod+X'] },
  { id: 'clipboard.paste', group: 'clipboard', label: 'Paste nodes', keys: ['Mod+V'] },

  { id: 'builderFind.next', group: 'builderFind', label: 'Next match', keys: ['Enter'] },
  { id: 'builderFind.previous', group: 'builderFind', label: 'Previous match', keys: ['Shift+Enter'] },
  { id: 'builderFind.close', group: 'builderFind', label: 'Close the search', keys: ['Escape'] },

  { id: 'runsSearch.apply', group: 'runsSearch', label: 'Search', keys: ['Enter'] },
  { id: 'runsSearch.toList', group: 'runsSearch', label: 'Go to the list', keys: ['ArrowDown'] },
  { id: 'runsSearch.clear', group: 'runsSearch', label: 'Clear the search', keys: ['Escape'] },

  { id: 'runsList.next', group: 'runsList', label: 'Next run', keys: ['ArrowDown'] },
  { id: 'runsList.previous', group: 'runsList', label: 'Previous run, or the search field from the first', keys: ['ArrowUp'] },
  { id: 'runsList.pageDown', group: 'runsList', label: 'A page down', keys: ['PageDown'] },
  { id: 'runsList.pageUp', group: 'runsList', label: 'A page up', keys: ['PageUp'] },
  { id: 'runsList.first', group: 'runsList', label: 'First run', keys: ['Home'] },
  { id: 'runsList.last', group: 'runsList', label: 'Last run', keys: ['End'] },
  { id: 'runsList.open', group: 'runsList', label: 'Open the run', keys: ['Enter'] },

  { id: 'logsFind.next', group: 'logsFind', label: 'Next match', keys: ['Enter'] },
  { id: 'logsFind.previous', group: 'logsFind', label: 'Previous match', keys: ['Shift+Enter'] },

  { id: 'runDebug.continue', group: 'runDebug', label: 'Continue the selected stop', keys: ['F5'], anywhere: true },
  { id: 'runDebug.step', group: 'runDebug', label: 'Step: run it, then stop before the next task run', keys: ['F10'], anywhere: true },
] as const satisfies readonly Shortcut[];

export type ShortcutId<G extends ShortcutGroup = ShortcutGroup> = Extract<(typeof SHORTCUTS)[number], { group: G }>['id'];

/** The little of a keyboard event (the DOM's or React's) a shortcut is told by. */
export interface KeyPress {
  key: string;
  ctrlKey: boolean;
  metaKey: boolean;
  shiftKey: boolean;
  altKey: boolean;
}

/** Whether a press is one key of a shortcut, with exactly its modifiers. */
export function pressMatches(press: KeyPress, keys: string): boolean {
  const parts = keys.split('+');
  const key = parts.pop() ?? '';
  const mod = parts.includes('Mod');
  if ((press.ctrlKey || press.metaKey) !== mod || press.altKey !== parts.includes('Alt')) return false;
  // A character typed with Shift ("?") names itself; Shift counts only for letters and named keys.
  const shiftCounts = key.length > 1 || key.toLowerCase() !== key.toUpperCase();
  if (shiftCounts && press.shiftKey !== parts.includes('Shift')) return false;
  return press.key.toLowerCase() === key.toLowerCase();
}

/** The shortcut of a group a press is, if any. */
export function shortcutFor(press: KeyPress, group: ShortcutGroup): Shortcut | undefined {
  return SHORTCUTS.find((shortcut) => shortcut.group === group && shortcut.keys.some((keys) => pressMatches(press, keys)));
}

/**
 * Runs the group's handler for a press, when it is one of the group's shortcuts and `allowed` lets
 * it act; true when a handler ran. Handlers prevent the browser's own action where they mean to.
 * The group's every shortcut needs a handler, so none is listed that nothing does.
 */
export function handleShortcut<G extends ShortcutGroup, E extends KeyPress>(
  event: E,
  group: G,
  handlers: Record<ShortcutId<G>, (event: E) => void>,
  allowed: (shortcut: Shortcut) => boolean = () => true,
): boolean {
  const shortcut = shortcutFor(event, group);
  if (!shortcut || !allowed(shortcut)) return false;
  handlers[shortcut.id as ShortcutId<G>](event);
  return true;
}

/** How a key is written for this machine's keyboard: "Ctrl+Shift+S", or "⌘+Shift+S" on a Mac. */
export function keysLabel(keys: string, mac: boolean): string {
  return keys
    .split('+')
    .map((part) => (part === 'Mod' ? (mac ? '⌘' : 'Ctrl') : (KEY_NAMES[part] ?? part)))
    .join('+');
}

const KEY_NAMES: Record<string, string> = { ArrowDown: '↓', ArrowUp: '↑', PageDown: 'Page Down', PageUp: 'Page Up' };
