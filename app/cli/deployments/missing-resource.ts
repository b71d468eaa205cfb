import { UsageError } from '../errors.js';
import { closest, didYouMean } from '../suggest.js';
import type { DeploymentsSource } from './deployments-source.js';

/** The error for a work pool that is not there, suggesting the nearest names. */
export async function noSuchPool(source: DeploymentsSource, name: string): Promise<UsageError> {
  const guess = didYouMean(
    closest(
      name,
      (await source.listWorkPools()).map((p) => p.name),
    ),
  );
  return new UsageError(`no work pool named '${name}'; ${guess ? `${guess} ` : ''}('flowdeck work-pool ls' lists them)`);
}

/** The error for a queue that is not in the pool (or a pool that is not there), suggesting the nearest names. */
export async function noSuchQueue(source: DeploymentsSource, pool: string, name: string): Promise<UsageError> {
  const queues = await source.listWorkQueues(pool);
  if (queues === null) return noSuchPool(source, pool);
  const guess = didYouMean(
    closest(
      name,
      queues.map((q) => q.name),
    ),
  );
  return new UsageError(
    `work pool '${pool}' has no queue named '${name}'${guess ? `; ${guess}` : ''}; it has ${queues.map((q) => q.name).join(', ')}`,
  );
}

/** The `--pool` option, which the queue and worker commands need. */
export function poolOption(value: string | boolean | string[] | boolean[] | undefined, what: string): string {
  if (typeof value !== 'string' || value.trim() === '') throw new UsageError(`--pool POOL is required: the work pool ${what}`);
  return value;
}
