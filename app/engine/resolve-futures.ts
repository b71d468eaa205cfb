import { AllowFailure, FutureList, TaskRunFuture } from './futures.js';

/** Arrays and plain objects are searched for futures this many levels deep. */
export const FUTURE_SEARCH_DEPTH = 3;

/** A future that gave no value; `future` is null for a map over a future that could not start. */
export interface UnresolvedFuture {
  future: TaskRunFuture | null;
  error: unknown;
}

interface Resolution {
  value: unknown;
  /** How many futures (and deferred maps) the value held. */
  futures: number;
  /** Those that did not complete, in the order they were found. */
  failed: UnresolvedFuture[];
}

function isObject(value: unknown): value is object {
  return typeof value === 'object' && value !== null;
}

function holdsFutures(value: unknown, depth: number, maxDepth: number): boolean {
  if (value instanceof TaskRunFuture || value instanceof AllowFailure) return true;
  if (depth > maxDepth || !isObject(value)) return false;
  if (Array.isArray(value)) {
    if (value instanceof FutureList) return true;
    return value.some((item) => holdsFutures(item, depth + 1, maxDepth));
  }
  if (Object.getPrototypeOf(value) !== Object.prototype) return false;
  return Object.values(value).some((item) => holdsFutures(item, depth + 1, maxDepth));
}

/**
 * Replaces the futures in a value (also inside arrays, FutureLists and plain objects) with their
 * results, as Prefect's `resolve_inputs` does. A future that failed resolves to undefined and is
 * listed in `failed`; `allowFailure(future)` resolves to the error instead. Containers that hold
 * no future are returned as they are.
 */
export async function resolveFutures(value: unknown, maxDepth = FUTURE_SEARCH_DEPTH): Promise<Resolution> {
  // Most values hold no future: find that out without making a promise per item.
  if (!holdsFutures(value, 0, maxDepth)) return { value, futures: 0, failed: [] };
  const failed: { index: number; entry: UnresolvedFuture }[] = [];
  let futures = 0;
  const visit = async (v: unknown, depth: number): Promise<unknown> => {
    if (v instanceof TaskRunFuture) {
      const index = futures++;
      const outcome = await v.outcome();
      if (outcome.ok) return outcome.value;
      failed.push({ index, entry: { future: v, error: outcome.error } });
      return undefined;
    }
    if (v instanceof AllowFailure) {
      futures++;
      const outcome = await (v.future as TaskRunFuture).outcome();
      return outcome.ok ? outcome.value : outcome.error;
    }
    if (depth > maxDepth || !isObject(v)) return v;
    if (Array.isArray(v)) {
      if (v instanceof FutureList && v.expanded) {
        const index = futures++;
        try {
          await v.expanded;
        } catch (error) {
          failed.push({ index, entry: { future: null, error } });
          return undefined;
        }
      }
      if (!v.some(isObject)) return v;
      const items = await Promise.all(v.map((item) => visit(item, depth + 1)));
      return items.every((item, i) => item === v[i]) && !(v instanceof FutureList) ? v : items;
    }
    if (Object.getPrototypeOf(v) !== Object.prototype) return v;
    const entries = Object.entries(v);
    if (!entries.some(([, item]) => isObject(item))) return v;
    const items = await Promise.all(entries.map(([, item]) => visit(item, depth + 1)));
    if (items.every((item, i) => item === entries[i][1])) return v;
    return Object.fromEntries(entries.map(([key], i) => [key, items[i]]));
  };
  const resolved = await visit(value, 0);
  // Found concurrently: put failures back in the order the value holds them.
  failed.sort((a, b) => a.index - b.index);
  return { value: resolved, futures, failed: failed.map((f) => f.entry) };
}
