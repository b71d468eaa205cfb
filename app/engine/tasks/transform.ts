import type { Futurable, Task } from '../task.js';
import { task } from '../task.js';
import type { TaskOptions } from '../options.js';

type Transform = (value: never) => unknown;

/** `transform` keeps the types of the value and the function through the call. */
export interface TransformTask extends Omit<Task<[unknown, Transform], unknown>, 'withOptions'> {
  <T, R>(value: Futurable<T>, fn: (value: T) => R): Promise<Awaited<R>>;
  withOptions(changes: TaskOptions<[unknown, Transform], Task<[unknown, Transform], unknown>>): TransformTask;
}

/**
 * A named, tracked step around an inline function: `transform(rows, (r) => r.length)` answers
 * `await fn(value)`. Give it a name of its own with `transform.withOptions({ name: 'count-rows' })`.
 */
export const transform = task({ name: 'transform' }, async (value: unknown, fn: Transform): Promise<unknown> => {
  if (typeof fn !== 'function') throw new TypeError('transform needs a function: transform(value, (v) => ...)');
  return (fn as (value: unknown) => unknown)(value);
}) as unknown as TransformTask;
