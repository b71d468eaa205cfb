/** What one step of undo restores: the code and where the nodes stood. */
export interface Snapshot {
  source: string;
  positions: Positions;
}

export interface XY {
  x: number;
  y: number;
}

/** Canvas positions by node id, as the sidecar keeps them. */
export type Positions = Readonly<Record<string, XY>>;

export interface History {
  readonly past: readonly Snapshot[];
  readonly future: readonly Snapshot[];
}

export const EMPTY_HISTORY: History = { past: [], future: [] };

/** How many steps back undo reaches; older ones are dropped. */
const HISTORY_LIMIT = 200;

function same(a: Snapshot, b: Snapshot): boolean {
  return a.source === b.source && samePositions(a.positions, b.positions);
}

export function samePositions(a: Positions, b: Positions): boolean {
  const keys = Object.keys(a);
  if (keys.length !== Object.keys(b).length) return false;
  return keys.every((key) => b[key] !== undefined && a[key].x === b[key].x && a[key].y === b[key].y);
}

/** Remembers `before` as the state a change left; a new change forgets what could be redone. */
export function record(history: History, before: Snapshot, after: Snapshot, limit = HISTORY_LIMIT): History {
  if (same(before, after)) return history;
  const past = [...history.past, before];
  return { past: past.length > limit ? past.slice(past.length - limit) : past, future: [] };
}

/** Steps back from `current`; null when there is nothing to undo. */
export function undo(history: History, current: Snapshot): { history: History; snapshot: Snapshot } | null {
  const snapshot = history.past.at(-1);
  if (!snapshot) return null;
  return { history: { past: history.past.slice(0, -1), future: [current, ...history.future] }, snapshot };
}

/** Steps forward again from `current`; null when there is nothing to redo. */
export function redo(history: History, current: Snapshot): { history: History; snapshot: Snapshot } | null {
  const snapshot = history.future[0];
  if (!snapshot) return null;
  return { history: { past: [...history.past, current], future: history.future.slice(1) }, snapshot };
}
