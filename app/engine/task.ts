import { newId } from '../core/ids.js';
import { callerModuleUrl, registerTask } from './registry.js';
import { currentFlowRun, currentFrame, type RunFrame } from './context.js';
import { UpstreamFailedError } from './errors.js';
import { resolveCachePolicy } from './cache.js';
import { AllowFailure, FutureList, TaskRunFuture, Unmapped } from './futures.js';
import { retryPolicyOf, validateTimeout, type TaskOptions } from './options.js';
import { callTaskRun, submitTaskRun, type TaskDefinition } from './task-run-engine.js';
import { parameterNames } from './templates.js';
import { linkOf } from './upstream-links.js';

/** Futures (or failure-tolerant futures) that a task run must wait for before it starts. */
export class WaitFor {
  constructor(readonly futures: readonly (TaskRunFuture | AllowFailure<unknown>)[]) {}
}

/** Pass as the last argument of a call, `submit` or `map`: `t.submit(x, waitFor(a, b))`. */
export function waitFor(...futures: (TaskRunFuture | AllowFailure<unknown> | readonly TaskRunFuture[])[]): WaitFor {
  return new WaitFor(futures.flat());
}

/** An argument, or a future of it. */
export type Futurable<T> = T | TaskRunFuture<T> | AllowFailure<T>;
type FuturableArgs<Args extends unknown[]> = { [K in keyof Args]: Futurable<Args[K]> };
type MappedArgs<Args extends unknown[]> = { [K in keyof Args]: Iterable<Futurable<Args[K]>> | Unmapped<Args[K]> | Args[K] };

export interface Task<Args extends unknown[] = unknown[], R = unknown> {
  /** Runs the task and resolves to its result, or rejects with its error. */
  (...args: [...FuturableArgs<Args>] | [...FuturableArgs<Args>, WaitFor]): Promise<Awaited<R>>;
  readonly name: string;
  readonly options: Readonly<TaskOptions<Args, Task<Args, R>>>;
  readonly fn: (...args: Args) => R;
  /** Starts a run and returns its future at once. */
  submit(...args: [...FuturableArgs<Args>] | [...FuturableArgs<Args>, WaitFor]): TaskRunFuture<Awaited<R>>;
  /** Starts one run per item; arrays are iterated together, `unmapped(x)` is passed whole. */
  map(...args: [...MappedArgs<Args>] | [...MappedArgs<Args>, WaitFor]): FutureList<Awaited<R>>;
  /** A copy of the task with some options changed. */
  withOptions(changes: TaskOptions<Args, Task<Args, R>>): Task<Args, R>;
  readonly isFlowdeckTask: true;
}

function splitWaitFor(args: unknown[]): { args: unknown[]; waitFor: WaitFor['futures'] } {
  const last = args[args.length - 1];
  if (last instanceof WaitFor) return { args: args.slice(0, -1), waitFor: last.futures };
  return { args, waitFor: [] };
}

function isIterableArgument(value: unknown): value is Iterable<unknown> {
  return (
    value !== null &&
    typeof value === 'object' &&
    !(value instanceof Unmapped) &&
    typeof (value as Iterable<unknown>)[Symbol.iterator] === 'function' &&
    !(value instanceof Map)
  );
}

/** The argument lists of each mapped run: iterables are zipped, everything else repeats. */
function expandMapArguments(args: readonly unknown[]): unknown[][] {
  const columns = args.map((arg) => (isIterableArgument(arg) ? [...arg] : null));
  const lengths = columns.filter((c): c is unknown[] => c !== null).map((c) => c.length);
  if (lengths.length === 0) throw new Error('map needs at least one iterable argument; wrap values meant whole in unmapped()');
  const count = lengths[0];
  if (lengths.some((n) => n !== count)) {
    throw new Error(`map got iterables of different lengths (${lengths.join(', ')}); they must match`);
  }
  const whole = args.map((arg): unknown => (arg instanceof Unmapped ? (arg.value as unknown) : arg));
  const runs = new Array<unknown[]>(count);
  for (let i = 0; i < count; i++) {
    const runArgs = new Array<unknown>(args.length);
    for (let column = 0; column < args.length; column++) {
      const values = columns[column];
      runArgs[column] = values ? values[i] : whole[column];
    }
    runs[i] = runArgs;
  }
  return runs;
}

/**
 * Starts the runs of a map over futures once their results are there. Rejects with the
 * UpstreamFailedError of the first future that did not complete; the flow run waits for it.
 */
function startDeferredMap(
  frame: RunFrame,
  args: readonly unknown[],
  submitEach: (args: readonly unknown[], sources: readonly TaskRunFuture[]) => void,
): Promise<void> {
  const flow = frame.kind === 'flow' ? frame : frame.flowRun;
  const expanded = (async () => {
    // Only the top level: futures nested in each item are resolved by each run. A list from a map
    // that is itself waiting on an upstream is mapped over once its runs exist, item by item, so
    // each run here depends on one run there.
    const values: unknown[] = [];
    for (const arg of args) {
      if (arg instanceof FutureList) {
        if (arg.expanded) await arg.expanded;
        values.push(arg);
      } else if (arg instanceof TaskRunFuture) {
        const outcome = await arg.outcome();
        if (!outcome.ok) throw new UpstreamFailedError(arg.taskRunId, arg.state, arg.runName);
        values.push(outcome.value);
      } else {
        values.push(arg);
      }
    }
    submitEach(
      values,
      args.filter((arg): arg is TaskRunFuture => arg instanceof TaskRunFuture),
    );
  })();
  flow.outstanding.add(expanded);
  const forget = () => flow.outstanding.delete(expanded);
  // Handled here, so a map whose result nobody reads does not end the process.
  expanded.then(forget, forget);
  return expanded;
}

const NOT_LINKED: readonly string[] = [];

/**
 * The task runs each run of a map came from through the lists it iterates, which it gets one item
 * of: a number cannot be traced back, yet it came from the list's task run, or, for a map's
 * gathered results, from that item's run. Values passed whole are found in each run's arguments.
 */
function mappedListLinks(args: readonly unknown[]): (index: number) => readonly string[] {
  const flow = currentFlowRun();
  if (!flow) return () => NOT_LINKED;
  const whole = new Set<string>();
  const itemwise: (readonly string[])[] = [];
  for (const arg of args) {
    if (!isIterableArgument(arg)) continue;
    const from = linkOf(flow.resultLinks, arg);
    if (typeof from === 'string') whole.add(from);
    else if (from) itemwise.push(from);
  }
  if (itemwise.length === 0) {
    const ids = whole.size === 0 ? NOT_LINKED : [...whole];
    return () => ids;
  }
  return (index) => [...new Set([...whole, ...itemwise.map((ids) => ids[index]).filter((id) => id !== undefined)])];
}

function makeTask<Args extends unknown[], R>(
  options: TaskOptions<Args, Task<Args, R>>,
  fn: (...args: Args) => R,
  moduleUrl: string | null,
  /** For copies made by withOptions: the same function keeps the same key, so caches are shared. */
  taskKey?: string,
): Task<Args, R> {
  const name = options.name ?? fn.name;
  if (!name) throw new Error('a task needs a name: pass { name } or use a named function');
  validateTimeout(options.timeoutSeconds);
  if (options.cachePolicy !== undefined && options.cacheKeyFn !== undefined) {
    throw new Error(`task '${name}' sets both cachePolicy and cacheKeyFn; choose one`);
  }
  const definition: TaskDefinition = {
    name,
    taskKey: name,
    fn,
    options: options as unknown as TaskDefinition['options'],
    moduleUrl,
    source: Function.prototype.toString.call(fn),
    paramNames: parameterNames(fn),
    retryPolicy: retryPolicyOf(options),
    // A key function decides alone; otherwise a persisted result is cached as Prefect's DEFAULT.
    cachePolicy: resolveCachePolicy(options.cachePolicy, options.persistResult === true && options.cacheKeyFn === undefined),
    tags: [...(options.tags ?? [])],
    subject: null,
  };

  /** Starts a submitted run in `frame` and returns its future at once. */
  const submitIn = (
    frame: RunFrame,
    args: readonly unknown[],
    waitFor: WaitFor['futures'],
    linkedUpstream?: readonly string[],
  ): TaskRunFuture<Awaited<R>> => {
    const flow = frame.kind === 'flow' ? frame : frame.flowRun;
    const taskRunId = newId();
    const future = new TaskRunFuture<Awaited<R>>(taskRunId, name);
    future.settledByEngine();
    // Runs submitted from inside a task skip the runner's limit: the parent already holds a place
    // and waits for them, so making them queue behind it could wait forever.
    const runner = frame.kind === 'task' ? undefined : flow.taskRunner;
    submitTaskRun(frame, { task: definition, args, waitFor, future, taskRunId, linkedUpstream }, runner);
    return future;
  };

  const start = (rawArgs: unknown[], schedule: boolean): TaskRunFuture<Awaited<R>> | Promise<Awaited<R>> | null => {
    const frame = currentFrame();
    if (!frame) return null;
    const { args, waitFor } = splitWaitFor(rawArgs);
    if (!schedule) return callTaskRun(frame, { task: definition, args, waitFor }) as Promise<Awaited<R>>;
    return submitIn(frame, args, waitFor);
  };

  const call = ((...args: unknown[]) => {
    const run = start(args, false);
    if (run) return run;
    // Outside a flow a task is a plain function call.
    const { args: plain } = splitWaitFor(args);
    return Promise.resolve().then(() => fn(...(plain as Args)));
  }) as Task<Args, R>;

  const task = Object.assign(call, {
    options,
    fn,
    isFlowdeckTask: true as const,
    submit: (...args: unknown[]) => {
      const future = start(args, true);
      if (!future) throw new Error(`task '${name}' was submitted outside a flow; call it inside a flow run`);
      return future as TaskRunFuture<Awaited<R>>;
    },
    map: (...rawArgs: unknown[]) => {
      const { args, waitFor: wait } = splitWaitFor(rawArgs);
      const list = new FutureList<Awaited<R>>();
      const submitEach = (expandedArgs: readonly unknown[], sources: readonly TaskRunFuture[] = []) => {
        // Each run of a map over a future's result still depends on that future.
        const waitList = sources.length > 0 ? [...wait, ...sources] : wait;
        const linked = mappedListLinks(expandedArgs);
        const runs = expandMapArguments(expandedArgs);
        if (runs.length === 0) return;
        const frame = currentFrame();
        if (!frame) throw new Error(`task '${name}' was mapped outside a flow; map it inside a flow run`);
        for (let index = 0; index < runs.length; index++) list.push(submitIn(frame, runs[index], waitList, linked(index)));
      };
      const sources = args.filter((arg): arg is TaskRunFuture => arg instanceof TaskRunFuture);
      // A map over a map whose runs are not known yet iterates them once they are.
      const unknownRuns = args.some((arg) => arg instanceof FutureList && !arg.runsKnown);
      if (sources.length === 0 && !unknownRuns) {
        submitEach(args);
        return list;
      }
      // A future of a list: its runs are known once its result is, as Prefect resolves it first.
      const frame = currentFrame();
      if (!frame) throw new Error(`task '${name}' was mapped outside a flow; map it inside a flow run`);
      // Until its runs are known, the futures it waits for stand for them, its own and the inner map's.
      list.sources = [...sources, ...args.flatMap((arg) => (arg instanceof FutureList && !arg.runsKnown ? arg.sources : []))];
      list.runsKnown = false;
      list.expanded = startDeferredMap(frame, args, (expandedArgs, from) => {
        submitEach(expandedArgs, from);
        list.runsKnown = true;
      });
      return list;
    },
    withOptions: (changes: TaskOptions<Args, Task<Args, R>>) => makeTask({ ...options, ...changes }, fn, moduleUrl, definition.taskKey),
  });
  Object.defineProperty(task, 'name', { value: name });
  definition.subject = task;
  definition.taskKey = taskKey ?? registerTask(moduleUrl, name, definition);
  return task;
}

/**
 * Defines a task: `task(fn)` takes its name from the function, `task(options, fn)` sets options.
 * Calling it inside a flow runs it with retries, caching, timeouts and a recorded history.
 */
export function task<Args extends unknown[], R>(fn: (...args: Args) => R): Task<Args, R>;
export function task<Args extends unknown[], R>(options: TaskOptions<Args, Task<Args, R>>, fn: (...args: Args) => R): Task<Args, R>;
export function task<Args extends unknown[], R>(
  optionsOrFn: TaskOptions<Args, Task<Args, R>> | ((...args: Args) => R),
  maybeFn?: (...args: Args) => R,
): Task<Args, R> {
  const [options, fn] = typeof optionsOrFn === 'function' ? [{}, optionsOrFn] : [optionsOrFn, maybeFn];
  if (typeof fn !== 'function') throw new Error('task() needs a function: task(fn) or task(options, fn)');
  return makeTask(options, fn, callerModuleUrl());
}
