import { createHash } from 'node:crypto';

const hashes = new WeakMap<object, string>();

/**
 * A short hash of a task function's source, kept with each recorded result so a re-run can tell
 * that the task's code changed since; computed once per task.
 */
export function taskCodeHash(task: { fn: object; source: string }): string {
  let hash = hashes.get(task.fn);
  if (hash === undefined) {
    hash = createHash('sha256').update(task.source).digest('hex').slice(0, 16);
    hashes.set(task.fn, hash);
  }
  return hash;
}
