import type { RetryPolicy, State } from '../core/index.js';
import { exponentialBackoffDelays } from '../core/retry-delays.js';
import type { CacheKeyContext, CachePolicyOption } from './cache.js';
import type { TaskRunner } from './task-runners/task-runner.js';

/** Use as `retryDelaySeconds: exponentialBackoff(2)`: 2, 4, 8, ... seconds. */
interface ExponentialBackoff {
  kind: 'exponentialBackoff';
  factor: number;
}

/** Retry delays that double each time, starting at `factor` seconds: `exponentialBackoff(2)` waits 2, 4, 8, ... */
export function exponentialBackoff(factor: number): ExponentialBackoff {
  if (!(factor >= 0)) throw new Error(`exponentialBackoff needs a factor of 0 or more, got ${factor}`);
  return { kind: 'exponentialBackoff', factor };
}

/** Seconds to wait before each retry: one number for all, a list (the last repeats), or `exponentialBackoff(factor)`. */
type RetryDelayOption = number | readonly number[] | ExponentialBackoff;

/** The run a hook or retry condition is called for. */
export interface RunInfo {
  /** The task run's or flow run's id. */
  id: string;
  /** The run's name, e.g. `fetch-users-0` or `brave-otter`. */
  name: string;
  /** The flow run it belongs to; a flow run's own id for a flow. */
  flowRunId: string;
  /** 1 for the first attempt, 2 for the first retry, ... */
  attempt: number;
  tags: readonly string[];
}

/** Called with the task or flow, its run and the state the store accepted. */
export type Hook<Subject> = (subject: Subject, run: RunInfo, state: State) => void | Promise<void>;
type Hooks<Subject> = Hook<Subject> | readonly Hook<Subject>[];

/** Options tasks and flows share. */
export interface CommonOptions<Subject> {
  /**
   * The name runs are recorded and listed under. Defaults to the function's name; an anonymous
   * function needs one.
   */
  name?: string;
  /** What it does, for people reading the code. Kept on `options`; not recorded with runs. */
  description?: string;
  /** A version of your choosing, e.g. `'2.1'`. Kept on `options`; not recorded with runs. */
  version?: string;
  /**
   * Labels recorded on every run. A task's tags are also its concurrency keys: with
   * `flowdeck concurrency-limit create api 5`, at most five runs of tasks tagged `'api'` run at
   * once across every process on the store. Default: none.
   * @example tags: ['api', 'crm']
   */
  tags?: readonly string[];
  /**
   * How many times a failed run is tried again; a flow retries by running its whole function
   * again, with new task runs. Default: 0 (no retries).
   * @example retries: 3 // up to four attempts
   */
  retries?: number;
  /**
   * Seconds to wait before each retry. A list gives the wait before the first, second, ...
   * retry, its last value repeating. Default: 0.
   * @example retryDelaySeconds: [1, 5, 10]
   * @example retryDelaySeconds: exponentialBackoff(2) // 2, 4, 8, ... seconds
   */
  retryDelaySeconds?: RetryDelayOption;
  /**
   * Spreads each retry delay at random over `delay × (1 ± factor)`, so runs that failed
   * together do not retry together. Default: none (delays as given).
   * @example retryJitterFactor: 0.5 // a 10 s delay becomes 5 to 15 s
   */
  retryJitterFactor?: number;
  /**
   * Seconds an attempt may take. When they are up the run's `getRunContext().signal` fires and
   * the attempt fails as TimedOut, which counts as a failure for `retries`. Default: no limit.
   * @example timeoutSeconds: 30
   */
  timeoutSeconds?: number;
  /**
   * Writes the result under FLOWDECK_HOME/storage, where it outlives the process. For a task
   * with neither `cachePolicy` nor `cacheKeyFn` it also caches within the flow run on the
   * task's inputs and code, as Prefect's DEFAULT does. Default: false (only a task with a cache
   * policy or key writes its result).
   */
  persistResult?: boolean;
  /**
   * Records `console.log` and friends inside the run as log lines of the run. Default: false
   * for a flow; a task follows its flow unless it says otherwise.
   */
  logPrints?: boolean;
  /**
   * Called once the run is Completed (a task also when it is Cached). A hook that throws is
   * logged and does not change the run's state. Default: none.
   * @example onCompletion: (task, run) => notifyTeam(`${run.name} is done`)
   */
  onCompletion?: Hooks<Subject>;
  /** Called once the run has failed for good, after its last retry (also TimedOut). Default: none. */
  onFailure?: Hooks<Subject>;
  /** Called when the run is marked Crashed because its process is going away. Default: none. */
  onCrashed?: Hooks<Subject>;
  /** Called once the run is Cancelled. Default: none. */
  onCancellation?: Hooks<Subject>;
  /** Called as each attempt starts Running, retries included. Default: none. */
  onRunning?: Hooks<Subject>;
}

/** How a task runs: its name, retries, timeout, caching, hooks and its runs' names. */
export interface TaskOptions<Args extends unknown[] = unknown[], Subject = unknown> extends CommonOptions<Subject> {
  /**
   * Decides after a failed attempt whether to retry it; return false to fail at once. Asked
   * only while retries are left; one that throws means no retry. Default: every failure is
   * retried.
   * @example retryCondition: (task, run, error) => !(error instanceof TypeError)
   */
  retryCondition?: (task: Subject, run: RunInfo, error: unknown) => boolean | Promise<boolean>;
  /**
   * Computes the cache key from the run's context and arguments; a run whose key matches a
   * stored Completed run's is Cached with that result instead of running. Null, undefined or
   * `''` means "do not cache this call". The key is used as it is, so runs of any task that
   * give the same key share a result. Not together with `cachePolicy`. Default: none.
   * @example cacheKeyFn: (ctx, day: string) => `report-${day}`
   */
  cacheKeyFn?: (ctx: CacheKeyContext, ...args: Args) => string | null | undefined;
  /**
   * What a cached result is keyed on, across flow runs and processes: `'inputs'` (the
   * arguments), `'taskSource'` (the function's code), `'default'` (both), `'none'`, or a policy
   * from `CachePolicies`. Not together with `cacheKeyFn`. Default: none, or the flow run's
   * inputs and code with `persistResult: true`.
   * @example cachePolicy: 'inputs'
   * @example cachePolicy: CachePolicies.combine(CachePolicies.inputs(['verbose']), CachePolicies.taskSource())
   */
  cachePolicy?: CachePolicyOption;
  /**
   * Seconds a cached result is used for, after which the task runs again. Default: forever.
   * @example cacheExpirationSeconds: 3600
   */
  cacheExpirationSeconds?: number;
  /** Runs the task even when a cached result exists, and caches the new result in its place. Default: false. */
  refreshCache?: boolean;
  /**
   * The name of each run: a template over the arguments, by parameter name or position, or a
   * function of them. One that fails falls back to the default. Default: the task's name and
   * its call number in the flow run, `fetch-0`, `fetch-1`, ...
   * @example taskRunName: 'fetch-{url}'
   * @example taskRunName: (day: string) => `report for ${day}`
   */
  taskRunName?: string | ((...args: Args) => string);
}

/** How a flow runs: its name, parameters, retries, timeout, hooks, runs' names and task runner. */
export interface FlowOptions<Params, Subject = unknown> extends CommonOptions<Subject> {
  /**
   * A zod schema of the parameters: they are checked (and coerced, defaults filled in) before
   * anything runs, and bad ones fail with a ParameterValidationError naming each field, with
   * nothing recorded. It also lets the CLI, the server and the Run form describe them. Default:
   * none (any JSON values, named after the function's parameters).
   * @example parameters: z.object({ limit: z.number().default(10) })
   */
  parameters?: { safeParse(value: unknown): { success: true; data: Params } | { success: false; error: ZodLikeError } };
  /** Set to false to pass parameters on without checking them against `parameters`. Default: true. */
  validateParameters?: boolean;
  /**
   * The name of each run: a template over the parameters or a function of them. One that fails
   * falls back to the default. Default: two random words, such as `brave-otter`.
   * @example flowRunName: 'etl-{date}'
   */
  flowRunName?: string | ((params: Params) => string);
  /**
   * Where submitted and mapped task runs run. Default: `new ConcurrentTaskRunner()`, up to 64
   * at once in this process, the rest waiting in Pending.
   * @example taskRunner: new WorkerThreadTaskRunner({ maxWorkers: 4 }) // CPU-bound tasks
   */
  taskRunner?: TaskRunner;
}

export interface ZodLikeError {
  issues: readonly { path: readonly PropertyKey[]; message: string }[];
}

export function hookList<S>(hooks: Hooks<S> | undefined): readonly Hook<S>[] {
  if (!hooks) return [];
  return typeof hooks === 'function' ? [hooks] : hooks;
}

export function retryPolicyOf(options: Pick<CommonOptions<never>, 'retries' | 'retryDelaySeconds' | 'retryJitterFactor'>): RetryPolicy {
  const retries = options.retries ?? 0;
  if (!Number.isInteger(retries) || retries < 0) {
    throw new Error(`retries must be a whole number of 0 or more, got ${retries}`);
  }
  const delay = options.retryDelaySeconds ?? 0;
  let delays: number[];
  if (typeof delay === 'number') delays = [delay];
  else if (Array.isArray(delay)) delays = [...(delay as readonly number[])];
  else delays = exponentialBackoffDelays((delay as ExponentialBackoff).factor, retries);
  if (delays.length === 0 || delays.some((d) => !(d >= 0))) {
    throw new Error(`retryDelaySeconds must be numbers of 0 or more, got ${JSON.stringify(delay)}`);
  }
  const policy: RetryPolicy = { retries, retryDelaySeconds: delays };
  if (options.retryJitterFactor !== undefined) {
    if (!(options.retryJitterFactor >= 0)) {
      throw new Error(`retryJitterFactor must be 0 or more, got ${options.retryJitterFactor}`);
    }
    policy.retryJitterFactor = options.retryJitterFactor;
  }
  return policy;
}

export function validateTimeout(seconds: number | undefined): void {
  if (seconds !== undefined && !(seconds > 0)) {
    throw new Error(`timeoutSeconds must be a positive number, got ${seconds}`);
  }
}
