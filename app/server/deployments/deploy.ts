import type { DeployRequest, Deployment } from '../../core/api/deployments.js';
import type { BundleStore } from '../bundles/bundle-store.js';
import type { DeploymentStore } from '../store/deployment-store.js';
import { DeploymentError } from './deployment-error.js';
import { checkParameters } from './parameter-check.js';

function fullName(request: DeployRequest): string {
  return `${request.flowName}/${request.name}`;
}

/** Refuses a deployment whose code is not stored or whose parameters do not fit its flow's schema. */
function checkDeployRequest(request: DeployRequest, bundles: BundleStore): void {
  const deployment = fullName(request);
  if (request.bundle && !bundles.has(request.bundle)) {
    throw new DeploymentError(`bundle: no bundle with hash ${request.bundle} is stored for deployment '${deployment}'; upload it first`, 'NOT_FOUND');
  }
  const defaults = request.parameters ?? {};
  checkParameters(request.parameterSchema, defaults, { deployment, what: 'parameters', complete: false });
  // A schedule's runs get no parameters but the deployment's and its own, so those must be complete.
  for (const [index, schedule] of (request.schedules ?? []).entries()) {
    if (schedule.active === false) continue;
    checkParameters(
      request.parameterSchema,
      { ...defaults, ...schedule.parameters },
      {
        deployment,
        what: `parameters of schedule ${index + 1}`,
        complete: true,
      },
    );
  }
}

/**
 * Creates or replaces the deployments, all or none: every one is checked before the store is
 * asked, and the store stores them in one transaction.
 */
export async function deployDeployments(store: DeploymentStore, bundles: BundleStore, requests: readonly DeployRequest[]): Promise<Deployment[]> {
  for (const request of requests) checkDeployRequest(request, bundles);
  return store.deploy(requests);
}
