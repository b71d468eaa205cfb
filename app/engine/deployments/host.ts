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
   * Registers each deployment with no work pool and runs their due runs in this process, each up
   * to its `limit` at once, until the process is told to stop; resolves once it has stopped.
   */
  serve(deployments: readonly ServedDeployment[]): Promise<void>;
}

/** A deployment a serve process registers and runs: its flow, its checked options, and how many of its runs run at once. */
export interface ServedDeployment {
  flow: AnyFlow;
  spec: DeploymentSpec;
  limit: number;
}
