/**
 * The constants of work pools and workers, apart from their schemas so the store reads them
 * without loading zod.
 */

/** Kinds of work pool that exist: `process` runs each flow run as a child process on the worker's machine. */
export const WORK_POOL_TYPES = ['process'] as const;
/** Kinds named for what comes; asked for, they are refused with a message saying so. */
export const PLANNED_WORK_POOL_TYPES = ['docker', 'kubernetes'] as const;
export type WorkPoolType = (typeof WORK_POOL_TYPES)[number];

/** The longest name of a pool, queue or deployment. */
export const RESOURCE_NAME_MAX = 128;
/** What a pool's, queue's or deployment's name may hold, and the rule in words. */
export const RESOURCE_NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;
export const RESOURCE_NAME_RULE = 'must start with a letter or digit and hold only letters, digits, ".", "_" and "-"';

/** What is wrong with a pool's, queue's or deployment's name; null when nothing is. */
export function resourceNameProblem(name: string): string | null {
  if (name.length === 0) return 'must not be empty';
  if (name.length > RESOURCE_NAME_MAX) return `must be at most ${RESOURCE_NAME_MAX} characters long`;
  return RESOURCE_NAME_PATTERN.test(name) ? null : RESOURCE_NAME_RULE;
}

/** The name of the queue every pool is made with, used when a deployment names none. */
export const DEFAULT_QUEUE_NAME = 'default';

/** How long a worker may stay silent before it is OFFLINE (and the runs it claimed but never started go back). */
export const WORKER_OFFLINE_AFTER_MS = 10_000;
/** How often a worker beats, well inside WORKER_OFFLINE_AFTER_MS. */
export const WORKER_HEARTBEAT_MS = 2_000;
/** A claim waits at most this long for a run to come due before it answers with none. */
export const CLAIM_WAIT_MAX_MS = 30_000;

/** The job template of a pool that sets none: the worker's environment, the bundle's folder, this installation's `flowdeck`. */
export const DEFAULT_JOB_TEMPLATE: { env: Record<string, string>; workingDir: string | null; command: string[] | null; runsPerProcess: number } =
  Object.freeze({
    env: {},
    workingDir: null,
    command: null,
    runsPerProcess: 1,
  });

/** The most runs one flow process of a pool may run at once (the job template's runsPerProcess). */
export const RUNS_PER_PROCESS_MAX = 1_000;
