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
