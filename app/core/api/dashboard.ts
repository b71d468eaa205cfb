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
