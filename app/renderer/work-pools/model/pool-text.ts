import type { WorkPoolRead, WorkQueue, Worker } from '../../../core/api/work-pools.js';
import { formatRelative } from '../../shared/relative-time.js';

/** A concurrency limit in words: null is no limit, 0 lets nothing start. */
export function limitText(limit: number | null): string {
  if (limit === null) return 'no limit';
  return limit === 0 ? '0 (nothing starts)' : String(limit);
}

/** How many runs share one flow process (the job template's runsPerProcess), in words. */
export function runsPerProcessText(runsPerProcess: number): string {
  return runsPerProcess > 1 ? `up to ${runsPerProcess} runs share one flow process` : 'each run in a process of its own';
}

/** Queues in the order they are served: priority 1 first, then by name. */
export function queuesByPriority(queues: readonly WorkQueue[]): WorkQueue[] {
  return [...queues].sort((a, b) => a.priority - b.priority || a.name.localeCompare(b.name));
}

/** Workers online first, then the most recently heard from. */
export function workersByHealth(workers: readonly Worker[]): Worker[] {
  return [...workers].sort((a, b) => (a.status === b.status ? b.lastHeartbeatAt - a.lastHeartbeatAt : a.status === 'ONLINE' ? -1 : 1));
}

/** When a worker last beat, as "4 s ago". */
export function lastBeatText(worker: Pick<Worker, 'lastHeartbeatAt'>, now: number): string {
  return formatRelative(worker.lastHeartbeatAt, now);
}

/** The queues a worker takes runs from, in words. */
export function workerQueuesText(worker: Pick<Worker, 'queues'>): string {
  return worker.queues.length === 0 ? 'all queues' : worker.queues.join(', ');
}

/** A pool's workers in a few words: "2 online of 3", or "no workers". */
export function workersText(pool: Pick<WorkPoolRead, 'workers'>): string {
  if (pool.workers.length === 0) return 'no workers';
  const online = pool.workers.filter((worker) => worker.status === 'ONLINE').length;
  return `${online} online of ${pool.workers.length}`;
}

/** Pools by name, as the CLI lists them. */
export function sortPools<T extends { name: string }>(pools: readonly T[]): T[] {
  return [...pools].sort((a, b) => a.name.localeCompare(b.name));
}
