import type { Deployment } from '../../core/api/deployments.js';
import type { Flow } from '../flow.js';
import { engineSettings } from '../runtime.js';
import { checkDeployOptions, checkServeOptions } from './check-options.js';
import type { DeploymentHost } from './host.js';

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
  return hostFor(flow, 'serve').serve(flow, spec, limit);
}
