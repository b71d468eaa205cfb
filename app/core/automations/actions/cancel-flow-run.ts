import { z } from 'zod';
import { actionType } from './action-type.js';

export const CANCEL_FLOW_RUN = actionType({
  kind: 'cancel-flow-run',
  description: 'Cancel the flow run that fired the automation',
  schema: z.strictObject({ kind: z.literal('cancel-flow-run') }),
});
