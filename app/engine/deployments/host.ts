import type { Deployment } from '../../core/api/deployments.js';
import type { Flow } from '../flow.js';
import type { DeploymentSpec } from './check-options.js';

type AnyFlow = Flow<never, unknown>;

/**
 * What `deploy()` and `serve()` hand their checked options to: whoever started the process (the
 * CLI) knows the flow's file, the server or local store, and how to run the deployment's runs.
 * The engine itself never reaches a server.
 */
export interface DeploymentHost {
  /** Registers the deployment of `flow` (its code bundled and stored) and answers it as stored. */
  deploy(flow: AnyFlow, spec: DeploymentSpec): Promise<Deployment>;
  /**
   * Registers the deployment with no work pool and runs its due runs in this process, up to `limit`
   * at once, until the process is told to stop; resolves once it has stopped.
   */
  serve(flow: AnyFlow, spec: DeploymentSpec, limit: number): Promise<void>;
}
