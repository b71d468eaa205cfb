import { createHash } from 'node:crypto';
import { isNotHashable, stableStringify } from './previews.js';

/** What a cache policy may look at when it computes a key. */
export interface CacheKeyContext {
  taskKey: string;
  taskSource: string;
  flowRunId: string;
  flowParameters: Record<string, unknown>;
  /** Arguments by position ("0", "1", ...) and, where known, by parameter name. */
  inputs: Record<string, unknown>;
  args: readonly unknown[];
}

/** Computes the part of a cache key it is about, or null to say "do not cache". */
export interface CachePolicy {
  readonly description: string;
  computeKey(ctx: CacheKeyContext): string | null;
}

function policy(description: string, computeKey: (ctx: CacheKeyContext) => string | null): CachePolicy {
  return { description, computeKey };
}

function hash(text: string): string {
  return createHash('sha256').update(text).digest('hex').slice(0, 32);
}

export const CachePolicies = {
  /** The task's arguments; `exclude` names arguments that do not matter. */
  inputs(exclude: readonly string[] = []): CachePolicy {
    return policy(exclude.length ? `inputs without ${exclude.join(', ')}` : 'inputs', (ctx) => {
      const names = Object.keys(ctx.inputs).filter((k) => !/^\d+$/.test(k));
      let args: unknown;
      if (exclude.length === 0) args = ctx.args;
      else if (names.length > 0) {
        args = Object.fromEntries(names.filter((k) => !exclude.includes(k)).map((k) => [k, ctx.inputs[k]]));
      } else args = ctx.args.filter((_, i) => !exclude.includes(String(i)));
      return stableStringify(args);
    });
  },
  /** The task function's source: changing the code invalidates the cache. */
  taskSource(): CachePolicy {
    return policy('task source', (ctx) => ctx.taskSource);
  },
  flowParameters(): CachePolicy {
    return policy('flow parameters', (ctx) => stableStringify(ctx.flowParameters));
  },
  /** Only within the same flow run. */
  runId(): CachePolicy {
    return policy('flow run id', (ctx) => ctx.flowRunId);
  },
  /** All of the given policies at once. */
  combine(...policies: CachePolicy[]): CachePolicy {
    return policy(policies.map((p) => p.description).join(' + '), (ctx) => {
      const parts: string[] = [];
      for (const p of policies) {
        const key = p.computeKey(ctx);
        if (key === null) return null;
        parts.push(key);
      }
      return parts.join('\u0000');
    });
  },
};

export type CachePolicyOption = 'inputs' | 'taskSource' | 'default' | 'none' | CachePolicy;

/**
 * What a task that persists its result caches on when it names no policy: Prefect's DEFAULT,
 * its inputs and code within one flow run, so a repeated identical call in a run is Cached.
 */
const PERSISTED_RESULT_POLICY: CachePolicy = CachePolicies.combine(CachePolicies.inputs(), CachePolicies.taskSource(), CachePolicies.runId());

export function resolveCachePolicy(option: CachePolicyOption | undefined, persistResult = false): CachePolicy | null {
  switch (option) {
    case undefined:
      return persistResult ? PERSISTED_RESULT_POLICY : null;
    case 'none':
      return null;
    case 'inputs':
      return CachePolicies.inputs();
    case 'taskSource':
      return CachePolicies.taskSource();
    case 'default':
      return CachePolicies.combine(CachePolicies.inputs(), CachePolicies.taskSource());
    default:
      return option;
  }
}

export type CacheKeyFn = (ctx: CacheKeyContext, ...args: never[]) => string | null | undefined;

/**
 * The cache key of one task run, or null when the task does not cache or its inputs cannot be
 * hashed (which is logged by the caller through `onUnhashable`).
 */
export function computeCacheKey(
  ctx: CacheKeyContext,
  keyFn: CacheKeyFn | undefined,
  cachePolicy: CachePolicy | null,
  onUnhashable: (reason: string) => void,
): string | null {
  try {
    if (keyFn) {
      const key = (keyFn as (c: CacheKeyContext, ...a: unknown[]) => string | null | undefined)(ctx, ...ctx.args);
      return key === null || key === undefined || key === '' ? null : String(key);
    }
    if (!cachePolicy) return null;
    const part = cachePolicy.computeKey(ctx);
    return part === null ? null : `${ctx.taskKey}:${hash(part)}`;
  } catch (error) {
    if (isNotHashable(error)) {
      onUnhashable((error as Error).message);
      return null;
    }
    throw error;
  }
}
