import type { z } from 'zod';
import type { RunDeploymentSchema } from '../../core/api/deployments.js';
import type { FlowRun } from '../../core/runs.js';
import type { DeploymentStore } from '../store/deployment-store.js';
import { DeploymentError } from './deployment-error.js';
import { checkParameters } from './parameter-check.js';

export type RunDeploymentRequest = z.input<typeof RunDeploymentSchema>;

/**
 * Makes a run of a deployment, due now or at the time asked: its parameters are the deployment's
 * with the given ones over them, checked against the flow's parameter schema.
 */
export async function runDeployment(store: DeploymentStore, deploymentId: string, request: RunDeploymentRequest, now = Date.now()): Promise<FlowRun> {
  const deployment = await store.getDeployment(deploymentId);
  if (!deployment) throw new DeploymentError(`no deployment with id '${deploymentId}'`, 'NOT_FOUND');
  const parameters = { ...deployment.parameters, ...request.parameters };
  checkParameters(deployment.parameterSchema, parameters, { deployment: deployment.fullName, what: 'parameters', complete: true });
  return store.createDeploymentRun(deployment.id, {
    parameters,
    ...(request.tags ? { tags: request.tags } : {}),
    scheduledTime: request.scheduledTime ?? now,
    ...(request.idempotencyKey ? { idempotencyKey: request.idempotencyKey } : {}),
  });
}
