import type { Deployment } from '../../core/api/deployments.js';
import type { DescribedDeployment } from '../../core/api/workspace.js';
import { describeSchedule } from '../../core/schedules/index.js';
import type { DeploymentHost, DeploymentSpec, ServedDeployment } from '../../engine/hosting.js';
import { retryPolicyOf } from '../../engine/options.js';
import type { AnyFlow } from '../flow-files/load-flow-file.js';
import { deployRequest } from './deploy-request.js';
import { flowEntrypoint } from './flow-entrypoint.js';

/** The file's entrypoint for the flow, or null when it is not exported (deploy() would refuse it). */
function entrypointOf(flow: AnyFlow, method: 'deploy' | 'serve'): string | null {
  try {
    return flowEntrypoint(flow, method).entrypoint;
  } catch {
    return null;
  }
}

/**
 * `flow.deploy()` and `flow.serve()` while a file is only loaded to be read (described, or its
 * flow picked): each call is recorded as the deployment it would make, and nothing is stored or
 * served. deploy() answers the deployment as it would be stored, with no id; serve() returns at once.
 */
export class RecordingDeploymentHost implements DeploymentHost {
  readonly recorded: DescribedDeployment[] = [];

  deploy(flow: AnyFlow, spec: DeploymentSpec): Promise<Deployment> {
    const entrypoint = this.record(flow, spec, 'deploy');
    const request = deployRequest(flow, spec, entrypoint ?? `:${flow.name}`, null);
    const now = Date.now();
    return Promise.resolve({
      id: '',
      name: spec.name,
      flowName: flow.name,
      fullName: `${flow.name}/${spec.name}`,
      entrypoint: request.entrypoint,
      description: spec.description,
      version: spec.version,
      tags: spec.tags,
      parameters: spec.parameters,
      parameterSchema: request.parameterSchema ?? null,
      workPool: spec.workPool,
      workQueue: spec.workQueue,
      schedules: spec.schedules.map((schedule) => ({ id: '', schedule, active: schedule.active !== false, description: describeSchedule(schedule) })),
      retryPolicy: retryPolicyOf(flow.options),
      concurrencyLimit: spec.concurrencyLimit,
      collisionStrategy: spec.collisionStrategy ?? 'ENQUEUE',
      catchUp: spec.catchUp ?? 'latest',
      paused: spec.paused ?? false,
      bundle: null,
      createdAt: now,
      updatedAt: now,
    });
  }

  serve(deployments: readonly ServedDeployment[]): Promise<void> {
    for (const { flow, spec } of deployments) this.record(flow, spec, 'serve');
    return Promise.resolve();
  }

  private record(flow: AnyFlow, spec: DeploymentSpec, method: 'deploy' | 'serve'): string | null {
    const entrypoint = entrypointOf(flow, method);
    this.recorded.push({
      method,
      fullName: `${flow.name}/${spec.name}`,
      flowName: flow.name,
      name: spec.name,
      entrypoint,
      workPool: spec.workPool,
      workQueue: spec.workQueue,
      schedules: spec.schedules.map(describeSchedule),
      parameters: spec.parameters,
    });
    return entrypoint;
  }
}
