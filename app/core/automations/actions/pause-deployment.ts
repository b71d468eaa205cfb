import { z } from 'zod';
import { actionType } from './action-type.js';

export const PAUSE_DEPLOYMENT = actionType({
  kind: 'pause-deployment',
  description: "Pause a deployment's schedules: the one named, or the firing run's own",
  schema: z.strictObject({
    kind: z.literal('pause-deployment'),
    deployment: z.string().min(1).optional().describe("FLOW/NAME or id; the firing run's own when left out"),
  }),
});
