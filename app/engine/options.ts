import { exponentialBackoffDelays, type RetryPolicy, type State } from '../core/index.js';
import type { CacheKeyContext, CachePolicyOption } from './cache.js';
import type { TaskRunner } from './task-runners/task-runner.js';

/** Use as `retryDelaySeconds: exponentialBackoff(2)`: 2, 4, 8, ... seconds. */
export interface ExponentialBackoff {
  kind: 'exponentialBackoff';
  factor: number;
}

export function exponentialBackoff(factor: number): ExponentialBackoff {
  if (!(factor >= 0)) throw new Error(`exponentialBackoff needs a factor of 0 or more, got ${factor}`);
  return { kind: 'exponentialBackoff', factor };
}

export type RetryDelayOption = number | readonly number[] | ExponentialBackoff;

export interface RunInfo {
  id: string;
  name: string;
  flowRunId: string;
  attempt: number;
  tags: readonly string[];
}

export type Hook<Subject> = (subject: Subject, run: RunInfo, state: State) => void | Promise<void>;
type Hooks<Subject> = Hook<Subject> | readonly Hook<Subject>[];

export interface CommonOptions<Subject> {
  name?: string;
  description?: string;
  version?: string;
  tags?: readonly string[];
  retries?: number;
  retryDelaySeconds?: RetryDelayOption;
  retryJitterFactor?: number;
  timeoutSeconds?: number;
  persistResult?: boolean;
  /** Route `console.log` and friends inside the run into its logs. */
  logPrints?: boolean;
  onCompletion?: Hooks<Subject>;
  onFailure?: Hooks<Subject>;
  onCrashed?: Hooks<Subject>;
  onCancellation?: Hooks<Subject>;
  onRunning?: Hooks<Subject>;
}

export interface TaskOptions<Args extends unknown[] = unknown[], Subject = unknown> extends CommonOptions<Subject> {
  /** Whether a failure should be retried; return false to fail at once. */
  retryCondition?: (task: Subject, run: RunInfo, error: unknown) => boolean | Promise<boolean>;
  cacheKeyFn?: (ctx: CacheKeyContext, ...args: Args) => string | null | undefined;
  cachePolicy?: CachePolicyOption;
  cacheExpirationSeconds?: number;
  refreshCache?: boolean;
  /** A template over the arguments (`'fetch-{url}'`, `'{0}'`) or a function of them. */
  taskRunName?: string | ((...args: Args) => string);
}

export interface FlowOptions<Params, Subject = unknown> extends CommonOptions<Subject> {
  /** A zod schema; parameters are validated (and coerced) by it before anything runs. */
  parameters?: { safeParse(value: unknown): { success: true; data: Params } | { success: false; error: ZodLikeError } };
  validateParameters?: boolean;
  /** A template over the parameters (`'etl-{date}'`) or a function of them. */
  flowRunName?: string | ((params: Params) => string);
  taskRunner?: TaskRunner;
}

export interface ZodLikeError {
  issues: readonly { path: readonly PropertyKey[]; message: string }[];
}

export function hookList<S>(hooks: Hooks<S> | undefined): readonly Hook<S>[] {
  if (!hooks) return [];
  return typeof hooks === 'function' ? [hooks] : hooks;
}

export function retryPolicyOf(
  options: Pick<CommonOptions<never>, 'retries' | 'retryDelaySeconds' | 'retryJitterFactor'>,
): RetryPolicy {
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
