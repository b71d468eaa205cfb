import type { Deployment } from '../../core/api/deployments.js';
import type { Flow } from '../flow.js';
import { engineSettings } from '../runtime.js';
import { checkDeployOptions, checkServeOptions, DeploymentOptionsError } from './check-options.js';
import type { DeploymentHost, ServedDeployment } from './host.js';
import { isServableDeployment } from './servable.js';

type AnyFlow = Flow<never, unknown>;

function hostFor(flow: AnyFlow, method: 'deploy' | 'serve'): DeploymentHost {
  const host = engineSettings().deploymentHost;
  if (host) return host;
  throw new Error(
    `${method}() of flow '${flow.name}' needs the flowdeck CLI to reach the server or local store: ` +
      `start the file with \`flowdeck run FILE\`${method === 'serve' ? ' or `flowdeck serve FILE --name NAME`' : ''}`,
  );
}

/** `flow.deploy(options)`: checks the options, then the host registers the deployment with the flow's code. */
export async function deployFlow(flow: AnyFlow, options: unknown): Promise<Deployment> {
  const spec = checkDeployOptions(flow.name, options);
  return hostFor(flow, 'deploy').deploy(flow, spec);
}

/** `flow.serve(options)`: checks the options, then the host serves the deployment until it is stopped. */
export async function serveFlow(flow: AnyFlow, options: unknown): Promise<void> {
  const { spec, limit } = checkServeOptions(flow.name, options);
  return hostFor(flow, 'serve').serve([{ flow, spec, limit }]);
}

/** `serve(...deployments)`: checks each one's options, then the host serves them all in this process until it is stopped. */
export async function serveDeployments(deployments: readonly unknown[]): Promise<void> {
  if (deployments.length === 0) {
    throw new DeploymentOptionsError("serve() needs at least one deployment: serve(myFlow.toDeployment({ name: 'hourly', interval: 3600 }), ...)");
  }
  const served: ServedDeployment[] = deployments.map((deployment, index) => {
    if (!isServableDeployment(deployment)) {
      throw new DeploymentOptionsError(`serve(): argument ${index + 1} is not a deployment; make one with myFlow.toDeployment({ name: ... })`);
    }
    return { flow: deployment.flow, ...checkServeOptions(deployment.flow.name, deployment.options) };
  });
  const names = served.map(({ flow, spec }) => `${flow.name}/${spec.name}`);
  const twice = names.find((name, index) => names.indexOf(name) !== index);
  if (twice) throw new DeploymentOptionsError(`serve(): the deployment ${twice} is given more than once`);
  return hostFor(served[0].flow, 'serve').serve(served);
}
