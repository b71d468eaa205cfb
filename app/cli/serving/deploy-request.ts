import type { DeployRequest } from '../../core/api/deployments.js';
import type { DeploymentSpec } from '../../engine/hosting.js';
import { retryPolicyOf } from '../../engine/options.js';
import { describeFlows } from '../flow-files/describe-flows.js';
import type { AnyFlow } from '../flow-files/load-flow-file.js';

/** What the server is sent for a deployment of `flow`: the checked options, with what the flow itself says. */
export function deployRequest(flow: AnyFlow, spec: DeploymentSpec, entrypoint: string, bundle: string | null): DeployRequest {
  const [described] = describeFlows({ path: entrypoint, flows: [flow], defaultFlow: null, exported: {}, deploymentCalls: [] });
  return {
    name: spec.name,
    flowName: flow.name,
    entrypoint,
    description: spec.description,
    version: spec.version,
    tags: spec.tags,
    parameters: spec.parameters,
    parameterSchema: described?.parameters ?? null,
    workPool: spec.workPool,
    workQueue: spec.workQueue,
    schedules: spec.schedules,
    retryPolicy: retryPolicyOf(flow.options),
    concurrencyLimit: spec.concurrencyLimit,
    ...(spec.collisionStrategy ? { collisionStrategy: spec.collisionStrategy } : {}),
    ...(spec.catchUp ? { catchUp: spec.catchUp } : {}),
    ...(spec.paused !== undefined ? { paused: spec.paused } : {}),
    bundle,
  };
}
