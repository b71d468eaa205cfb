import { z } from 'zod';
import { FlowRunSchema } from '../runs.js';
import { StateTypeSchema } from '../states.js';
import { wholeNumberQuery } from './common.js';

/** The longest span the dashboard looks back over: 30 days. */
const DASHBOARD_MAX_HOURS = 720;

export const DashboardQuerySchema = z.strictObject({
  /** How far back, in hours: runs created since then are counted. */
  hours: wholeNumberQuery(1, DASHBOARD_MAX_HOURS).default(24),
  /** How many bars the span is cut into. */
  buckets: wholeNumberQuery(1, 200).default(24),
});

const StateCountsSchema = z.record(StateTypeSchema, z.number().int());

/** A deployment's run that has not started, as the dashboard lists upcoming and late runs. */
export const WaitingRunSchema = z.object({
  id: z.string(),
  name: z.string(),
  flowName: z.string(),
  deploymentId: z.string(),
  /** `FLOW/NAME`. */
  deploymentName: z.string(),
  state: z.object({ type: StateTypeSchema, name: z.string() }),
  expectedStartTime: z.number(),
});
export type WaitingRun = z.infer<typeof WaitingRunSchema>;

export const DashboardSchema = z.object({
  since: z.number(),
  until: z.number(),
  bucketMs: z.number(),
  /** Runs created in each slice of the span, by the state type they are in now. */
  buckets: z.array(z.object({ start: z.number(), counts: StateCountsSchema })),
  totals: StateCountsSchema,
  /** Runs in a running state now, newest first (at most 20). */
  running: z.array(FlowRunSchema),
  /** The latest runs that Failed or Crashed in the span (at most 10). */
  recentFailures: z.array(FlowRunSchema),
  /** Deployment runs Scheduled and not yet Late, soonest first (at most 10). */
  upcoming: z.array(WaitingRunSchema),
  /** Deployment runs Late (still not started 15 s after their time), longest waiting first (at most 10). */
  late: z.array(WaitingRunSchema),
  /** How many deployment runs are Late in all. */
  lateCount: z.number().int(),
  /** Per flow, over the span: runs, and of those over, the share that Completed. */
  flows: z.array(
    z.object({
      flowName: z.string(),
      runs: z.number().int(),
      completed: z.number().int(),
      failed: z.number().int(),
      /** completed / (completed + failed + crashed + cancelled); null when none is over. */
      successRate: z.number().nullable(),
    }),
  ),
});
export type Dashboard = z.infer<typeof DashboardSchema>;

export { emptyStateCounts } from '../state-model.js';
