import type { Action, ActionKind, ActionOf } from '../../../core/automations/index.js';
import type { ActionContext, ActionExecutor } from './action-executor.js';
import { cancelFlowRunAction } from './cancel-flow-run.js';
import { pauseDeploymentAction } from './pause-deployment.js';
import { runDeploymentAction } from './run-deployment.js';
import { sendNotificationAction } from './send-notification.js';

export { PermanentActionError, type ActionContext } from './action-executor.js';

/** How each kind of action is done; one entry per entry of ACTION_TYPES. */
const EXECUTORS: { [K in ActionKind]: ActionExecutor<ActionOf<K>> } = {
  'send-notification': sendNotificationAction,
  'run-deployment': runDeploymentAction,
  'cancel-flow-run': cancelFlowRunAction,
  'pause-deployment': pauseDeploymentAction,
};

export function executeAction(action: Action, context: ActionContext): Promise<void> {
  return (EXECUTORS[action.kind] as ActionExecutor<Action>)(action, context);
}
