import type { FlowRunFrame } from './context.js';
import { inputsPreviewOf } from './previews.js';

/** A task run's recorded inputs may be this long before they are cut. */
const INPUT_PREVIEW_LIMIT = 2000;

/**
 * The next number among the runs of `key` in a flow run, taken when the call is made so that
 * concurrent calls are numbered in the order they were made; runs are named `key-N` after it.
 */
export function nextDynamicKey(flow: FlowRunFrame, key: string): number {
  const dynamicKey = flow.dynamicKeys.get(key) ?? 0;
  flow.dynamicKeys.set(key, dynamicKey + 1);
  return dynamicKey;
}

/** What a task run records of the arguments it was called with; null for none. */
export function inputsOf(args: readonly unknown[]): string | null {
  return args.length > 0 ? inputsPreviewOf(args, INPUT_PREVIEW_LIMIT) : null;
}

/** The largest arguments a breakpoint shows whole, for a person to read and edit. */
const BREAKPOINT_INPUTS_LIMIT = 1024 * 1024;
/** How deeply arguments may nest and still be shown whole. */
const BREAKPOINT_INPUTS_DEPTH = 64;

/** Whether a value is JSON as it is: written and read back, it is the same value. */
function isPlainJson(value: unknown, depth: number): boolean {
  if (depth > BREAKPOINT_INPUTS_DEPTH) return false;
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return true;
  if (typeof value === 'number') return Number.isFinite(value);
  if (Array.isArray(value)) return value.every((item) => isPlainJson(item, depth + 1));
  if (typeof value !== 'object') return false;
  const proto = Object.getPrototypeOf(value) as unknown;
  if (proto !== Object.prototype && proto !== null) return false;
  return Object.values(value).every((item) => isPlainJson(item, depth + 1));
}

/**
 * The arguments as JSON, whole, for a run stopped at a breakpoint, so a person can see and edit
 * exactly what it runs with; null when they are not plain JSON (a Date, a class, a function) or too large.
 */
export function inputsAsJson(args: readonly unknown[]): string | null {
  if (!isPlainJson(args, 0)) return null;
  const text = JSON.stringify(args);
  return text.length <= BREAKPOINT_INPUTS_LIMIT ? text : null;
}
