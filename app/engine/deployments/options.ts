import type { CatchUpRule, CollisionStrategy } from '../../core/api/deployments.js';
import type { Schedule } from '../../core/schedules/index.js';

/** The work pool whose workers run a deployment, and the queue of it (the pool's default queue when left out). */
export interface WorkPoolTarget {
  name: string;
  queue?: string;
}

/** A schedule as `schedules` takes it: one of cron, interval or rrule, with its own time zone, parameters and active flag. */
export type ScheduleOption = Schedule;

/** What `deploy()` and `serve()` both take. */
export interface DeploymentOptions<P = Record<string, unknown>> {
  /** The deployment's name; with the flow's it makes `FLOW/NAME`. Letters, digits, ".", "_" and "-". */
  name: string;
  /** Defaults for every run of it; a run's own parameters go over them. Checked against the flow's parameters when deployed. */
  parameters?: Partial<P> & Record<string, unknown>;
  /** One cron schedule, e.g. `'0 3 * * *'` (in `timezone`, UTC when left out). */
  cron?: string;
  /** One interval schedule: seconds, or an ISO 8601 duration such as `'PT1H'`. */
  interval?: number | string;
  /** One RRULE schedule, e.g. `'FREQ=WEEKLY;BYDAY=MO'`. */
  rrule?: string;
  /** Several schedules, each with its own parameters and active flag; instead of cron, interval or rrule. */
  schedules?: readonly ScheduleOption[];
  /** The IANA time zone of cron, interval and rrule, and of each of `schedules` that names none. */
  timezone?: string;
  description?: string;
  tags?: readonly string[];
  version?: string;
  /** How many of its runs may be Pending or Running at once. */
  concurrencyLimit?: number | null;
  /** What happens to a run when the concurrency limit is full: ENQUEUE (it waits, the default) or CANCEL_NEW. */
  collisionStrategy?: CollisionStrategy;
  /** Which runs missed while the server was down still run: latest (the default), all or none. */
  catchUp?: CatchUpRule;
  /** Deployed paused: its schedules make no runs until it is resumed. Left out, a deployment deployed again keeps its own. */
  paused?: boolean;
}

/** `myFlow.deploy({...})`: a deployment that the workers of a work pool run. */
export interface DeployOptions<P = Record<string, unknown>> extends DeploymentOptions<P> {
  /** The pool's name, or `{ name, queue }`. */
  workPool: string | WorkPoolTarget;
}

/** `myFlow.serve({...})`: a deployment whose runs this process runs itself. */
export interface ServeOptions<P = Record<string, unknown>> extends DeploymentOptions<P> {
  /** How many of its runs this process runs at once (default SERVE_DEFAULT_LIMIT). */
  limit?: number;
}

/** How many runs a serve process runs at once when not told. */
export const SERVE_DEFAULT_LIMIT = 10;
