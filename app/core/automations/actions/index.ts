import { z } from 'zod';
import { CANCEL_FLOW_RUN } from './cancel-flow-run.js';
import { PAUSE_DEPLOYMENT } from './pause-deployment.js';
import { RUN_DEPLOYMENT } from './run-deployment.js';
import { SEND_NOTIFICATION } from './send-notification.js';

export { NOTIFYING_BLOCK_TYPES, DEFAULT_BODY, DEFAULT_SUBJECT } from './send-notification.js';

/** Every kind of action, in the order they are listed. Adding an action is adding an entry here and an executor on the server. */
export const ACTION_TYPES = [SEND_NOTIFICATION, RUN_DEPLOYMENT, CANCEL_FLOW_RUN, PAUSE_DEPLOYMENT] as const;

export const ActionSchema = z.discriminatedUnion('kind', [
  SEND_NOTIFICATION.schema,
  RUN_DEPLOYMENT.schema,
  CANCEL_FLOW_RUN.schema,
  PAUSE_DEPLOYMENT.schema,
]);
export type Action = z.infer<typeof ActionSchema>;
export type ActionKind = Action['kind'];
export type ActionOf<K extends ActionKind> = Extract<Action, { kind: K }>;
