import type { Deployment } from '../../core/api/deployments.js';
import type { DeploymentHost, DeploymentSpec, ServedDeployment } from '../../engine/hosting.js';
import type { CliContext } from '../context.js';
import { UsageError } from '../errors.js';
import type { AnyFlow } from '../flow-files/load-flow-file.js';
import type { ServeBackend } from './serve-backend.js';

/**
 * `flow.deploy()` and `flow.serve()` as the CLI carries them out. A process that loads a flow file
 * to run one of its runs (a retry, a worker's run) must not deploy or serve again: there the host
 * is not `acting`, and deploy() answers the deployment as stored while serve() returns at once.
 */
export class CliDeploymentHost implements DeploymentHost {
  /** How many deploy() and serve() calls were carried out: a file run for them alone has no flow to run. */
  carriedOut = 0;
  private backendOpening: Promise<ServeBackend> | null = null;

  constructor(
    private readonly ctx: CliContext,
    public acting: boolean,
  ) {}

  async deploy(flow: AnyFlow, spec: DeploymentSpec): Promise<Deployment> {
    const backend = await this.backend();
    if (!this.acting) return this.stored(backend, flow, spec);
    this.carriedOut += 1;
    const [{ flowEntrypoint }, { buildBundle }, { deployRequest }] = await Promise.all([
      import('./flow-entrypoint.js'),
      import('../deployments/build-bundle.js'),
      import('./deploy-request.js'),
    ]);
    const { root, file, entrypoint } = flowEntrypoint(flow, 'deploy');
    const built = await buildBundle(file, root);
    const deployment = await naming(flow, 'deploy', async () => {
      await backend.putBundle(built.hash, built.bundle);
      return backend.deploy(deployRequest(flow, spec, entrypoint, built.hash));
    });
    const pool = `${deployment.workPool}${deployment.workQueue ? `/${deployment.workQueue}` : ''}`;
    this.ctx.print(
      `deployed ${deployment.fullName} ${this.ctx.colors.gray(deployment.id)} to work pool ${pool}: ${entrypoint}, ` +
        `${built.bundle.files.length} file${built.bundle.files.length === 1 ? '' : 's'} (bundle ${built.hash.slice(0, 12)})`,
    );
    return deployment;
  }

  async serve(deployments: readonly ServedDeployment[]): Promise<void> {
    if (!this.acting) return;
    this.carriedOut += 1;
    const backend = await this.backend();
    const [{ flowEntrypoint }, { deployRequest }, { serveDeployments }] = await Promise.all([
      import('./flow-entrypoint.js'),
      import('./deploy-request.js'),
      import('./serve-deployment.js'),
    ]);
    const served = [];
    for (const { flow, spec, limit } of deployments) {
      const { entrypoint } = flowEntrypoint(flow, 'serve');
      // Serving again resumes what its last stop paused, unless the options ask for it paused.
      const resumed = { ...spec, paused: spec.paused ?? false };
      const deployment = await naming(flow, 'serve', () => backend.deploy(deployRequest(flow, resumed, entrypoint, null)));
      served.push({ flow, deployment, limit });
    }
    await serveDeployments(this.ctx, backend, served);
  }

  private async stored(backend: ServeBackend, flow: AnyFlow, spec: DeploymentSpec): Promise<Deployment> {
    const deployment = await backend.findDeployment(flow.name, spec.name);
    if (deployment) return deployment;
    throw new UsageError(
      `deploy() of flow '${flow.name}' is not carried out while its file is loaded to run one of its runs, ` +
        `and no deployment ${flow.name}/${spec.name} is stored on ${backend.where}`,
    );
  }

  /** The local database or the server, opened on first use: a file that never deploys does not pay for it. */
  private backend(): Promise<ServeBackend> {
    this.backendOpening ??= this.openBackend();
    return this.backendOpening;
  }

  private async openBackend(): Promise<ServeBackend> {
    const server = this.ctx.server;
    if (server.kind === 'remote') {
      const { RemoteServeBackend } = await import('./remote-serve-backend.js');
      return new RemoteServeBackend(server.apiUrl, this.ctx.settings.FLOWDECK_API_KEY);
    }
    const [{ LocalServeBackend }, store] = await Promise.all([import('./local-serve-backend.js'), this.ctx.openStore()]);
    return new LocalServeBackend(store, this.ctx.databasePath, this.ctx.home, (error) =>
      this.ctx.note(`${this.ctx.colors.yellow('warning:')} scheduling failed: ${error instanceof Error ? error.message : String(error)}`),
    );
  }
}

/** A refusal of the server or store, said as the call that was refused. */
async function naming<T>(flow: AnyFlow, method: 'deploy' | 'serve', call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    if (error instanceof UsageError) throw new UsageError(`${method}() of flow '${flow.name}': ${error.message}`);
    throw error;
  }
}
