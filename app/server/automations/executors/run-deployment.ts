import type { ActionOf } from '../../../core/automations/index.js';
import { runDeployment } from '../../deployments/run-deployment.js';
import { findDeploymentByReference } from '../deployment-reference.js';
import { PermanentActionError, type ActionExecutor } from './action-executor.js';

/** Starts a run of the deployment; keyed by the delivery, so attempting it again after a restart makes no second run. */
export const runDeploymentAction: ActionExecutor<ActionOf<'run-deployment'>> = async (action, { store, deliveryId }) => {
  const deployment = await findDeploymentByReference(store, action.deployment);
  if (!deployment) throw new PermanentActionError(`no deployment '${action.deployment}'`);
  await runDeployment(store, deployment.id, { parameters: action.parameters, idempotencyKey: `automation-delivery-${deliveryId}` });
};
