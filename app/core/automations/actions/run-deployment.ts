import { z } from 'zod';
import { actionType } from './action-type.js';

export const RUN_DEPLOYMENT = actionType({
  kind: 'run-deployment',
  description: 'Start a run of a deployment, with parameters over its own',
  schema: z.strictObject({
    kind: z.literal('run-deployment'),
    deployment: z.string().min(1).describe('FLOW/NAME or id'),
    parameters: z.record(z.string(), z.unknown()).default({}),
  }),
});
