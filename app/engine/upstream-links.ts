import { AllowFailure, FutureList, TaskRunFuture } from './futures.js';
import { FUTURE_SEARCH_DEPTH } from './resolve-futures.js';

/**
 * Which task run gave each result object of a flow run, as Prefect's `run_results` does: a value
 * passed on from one task run to another links them as a future would. A map's results gathered
 * into one list (`FutureList.result()`) map to the run of each item, in order. Weak, so results
 * are not kept alive by the record of where they came from.
 */
export type ResultLinks = WeakMap<object, string | readonly string[]>;

/** The task runs a call depends on, and whether any of them must still be waited for. */
export interface UpstreamLinks {
  ids: string[];
  /** True when the arguments or waitFor hold futures: the call waits for their results. */
  waits: boolean;
}

export const NO_UPSTREAM: UpstreamLinks = { ids: [], waits: false };

/** Objects and arrays have an identity to link; primitives cannot be told apart, nor can futures be results. */
function isLinkable(value: unknown): value is object {
  return (
    typeof value === 'object' &&
    value !== null &&
    !(value instanceof TaskRunFuture) &&
    !(value instanceof AllowFailure) &&
    !(value instanceof FutureList)
  );
}

function isPlainObject(value: object): boolean {
  return Object.getPrototypeOf(value) === Object.prototype;
}

/**
 * Records that `value` came from a task run: the value itself and, one level in, the objects it
 * holds, as Prefect links a result's parts (a row of the rows a task returned).
 */
export function linkResult(links: ResultLinks, value: unknown, taskRunId: string): void {
  if (!isLinkable(value)) return;
  links.set(value, taskRunId);
  const parts = Array.isArray(value) ? value : isPlainObject(value) ? Object.values(value) : null;
  if (parts) for (const part of parts) if (isLinkable(part)) links.set(part, taskRunId);
}

/**
 * Where a value came from, without looking inside it: one task run, or for a map's gathered
 * results the run of each item in order.
 */
export function linkOf(links: ResultLinks, value: unknown): string | readonly string[] | undefined {
  return isLinkable(value) ? links.get(value) : undefined;
}

/**
 * The task runs a call depends on: futures in its arguments (also within arrays and plain
 * objects) and its waitFor list, and objects that a task run of this flow run returned.
 */
export function upstreamOf(
  links: ResultLinks,
  args: readonly unknown[],
  waitFor: readonly (TaskRunFuture | AllowFailure<unknown>)[] = [],
): UpstreamLinks {
  // Most arguments are plain values: find that out without building anything.
  if (waitFor.length === 0 && args.every((a) => a === null || typeof a !== 'object')) return NO_UPSTREAM;
  const ids = new Set<string>();
  let waits = waitFor.length > 0;
  const visit = (value: unknown, depth: number): void => {
    if (value instanceof TaskRunFuture) {
      ids.add(value.taskRunId);
      waits = true;
      return;
    }
    if (value instanceof AllowFailure) {
      ids.add((value.future as TaskRunFuture).taskRunId);
      waits = true;
      return;
    }
    if (value === null || typeof value !== 'object') return;
    const from = links.get(value);
    if (typeof from === 'string') ids.add(from);
    else if (from) for (const id of from) ids.add(id);
    if (depth > FUTURE_SEARCH_DEPTH) return;
    if (Array.isArray(value)) {
      if (value instanceof FutureList) {
        waits = true;
        // A map over a future's result depends on that future until its own runs exist.
        if (!value.runsKnown) for (const source of value.sources) ids.add(source.taskRunId);
      }
      for (const v of value) visit(v, depth + 1);
    } else if (isPlainObject(value)) for (const v of Object.values(value)) visit(v, depth + 1);
  };
  for (const arg of args) visit(arg, 0);
  for (const item of waitFor) ids.add(item instanceof AllowFailure ? item.future.taskRunId : item.taskRunId);
  return ids.size === 0 && !waits ? NO_UPSTREAM : { ids: [...ids], waits };
}

/**
 * Settles once every map in the arguments that waits to know its runs (a map over a future) has
 * started them or could not; null when there is none. Prefect's map knows its runs before the
 * next call is made, so a run handed such a map records those runs as its upstream.
 */
export function runsKnownOf(args: readonly unknown[]): Promise<unknown> | null {
  const pending: Promise<void>[] = [];
  const visit = (value: unknown, depth: number): void => {
    if (value === null || typeof value !== 'object' || depth > FUTURE_SEARCH_DEPTH) return;
    if (value instanceof FutureList) {
      if (!value.runsKnown && value.expanded) pending.push(value.expanded);
    } else if (Array.isArray(value)) for (const v of value) visit(v, depth + 1);
    else if (isPlainObject(value)) for (const v of Object.values(value)) visit(v, depth + 1);
  };
  for (const arg of args) visit(arg, 0);
  return pending.length === 0 ? null : Promise.allSettled(pending);
}
