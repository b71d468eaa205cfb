import type { ActionOf } from '../../../core/automations/index.js';
import { findDeploymentByReference } from '../deployment-reference.js';
import { PermanentActionError, type ActionExecutor } from './action-executor.js';

/** Pauses the deployment named, or the one the firing run came from. */
export const pauseDeploymentAction: ActionExecutor<ActionOf<'pause-deployment'>> = async (action, { store, firing }) => {
  let reference = action.deployment;
  if (reference === undefined) {
    const run = await store.getFlowRun(firing.flowRunId);
    if (!run?.deploymentId)
      throw new PermanentActionError(`flow run ${firing.flowRunId} came from no deployment, so there is none of its own to pause`);
    reference = run.deploymentId;
  }
  const deployment = await findDeploymentByReference(store, reference);
  if (!deployment) throw new PermanentActionError(`no deployment '${reference}'`);
  await store.setDeploymentPaused(deployment.id, true);
};
